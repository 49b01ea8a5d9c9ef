// Live step (snapshot backfill) 3/3: one ledger row per restored document, from a `_source`-free listing of the
// dest (id, routing, shard, `_seq_no`, `_primary_term`, `_version`), so the applier's conditional writes and the
// delete scan work exactly as after a copy. Only documents at or below the restored max `_seq_no` of each shard
// are listed: anything above it was written on the dest by a client, and stays the client's. A killed listing
// resumes from each shard's last committed `_seq_no` (rows are keyed by id, so a page listed twice is harmless).
import { checkIndices, openSync } from '../../sync/open.js';
import { FillCommits, fillShard } from '../../sync/snapshot-backfill.js';
import { StepVerificationError } from '../errors.js';
import { DONE, recordOf, type Step } from '../step.js';
import { restoreDest } from './restore-dest.js';

export interface FillLedgerRecord {
  /** Per shard, the last `_seq_no` whose row is in the ledger. */
  cursors?: Record<number, number>;
  /** Rows written so far. */
  filled?: number;
  /** Set when every shard is listed. */
  done?: boolean;
}

const SAVE_EVERY_MS = 1000;

export const fillLedger: Step<FillLedgerRecord> = {
  name: 'fill_ledger',
  describe: (plan) => [
    `list ${plan.destIndex} on the dest without _source (id, routing, _seq_no, _primary_term, _version) into the ledger, as if Ferry had copied each document`,
  ],
  async run(ctx) {
    const data = ctx.data;
    const restoredMax = recordOf(ctx.state, restoreDest).restoredMax;
    if (!restoredMax)
      throw new StepVerificationError('restore_dest recorded no positions', 'Run `ferry resume`.');
    const cursors = data.cursors ?? {};
    data.filled ??= 0;
    await ctx.dest.refresh(ctx.plan.destIndex);
    const total = await ctx.dest.count(ctx.plan.destIndex);
    const task = ctx.progress.task(`ledger from ${ctx.plan.destIndex}`, total, 'docs');
    const sync = openSync(ctx);
    let lastSave = 0;
    try {
      await checkIndices(ctx, sync.ledger);
      // Every operation the restore brought is Ferry's (set, not added: a resumed step sets the same number).
      const restoredOps = Object.values(restoredMax).reduce((sum, max) => sum + max + 1, 0);
      sync.ledger.setMeta('dest_restored_ops', String(restoredOps));
      const commits = new FillCommits(sync.ledger, async (committed, rows) => {
        Object.assign(cursors, committed);
        data.cursors = cursors;
        data.filled = (data.filled ?? 0) + rows;
        task.update(data.filled);
        ctx.checkpoint('page-committed');
        if (ctx.now().getTime() - lastSave >= SAVE_EVERY_MS) {
          lastSave = ctx.now().getTime();
          await ctx.save();
        }
      });
      // One listing per shard at once: each is a search round trip per page; rows are committed in large
      // transactions (FillCommits), each shard's cursor saved only once its rows are in.
      const listings = Object.entries(restoredMax).map(([s, upTo]) =>
        fillShard({
          dest: ctx.dest,
          index: ctx.plan.destIndex,
          commits,
          shard: Number(s),
          after: cursors[Number(s)] ?? -1,
          upTo,
          stop: () => ctx.pauseRequested(),
        }),
      );
      const stopped = (await Promise.all(listings)).some((r) => r.stopped);
      await commits.flush();
      if (stopped) {
        await ctx.save();
        return { kind: 'paused' };
      }
      // Pages listed again after a kill were counted twice above; the ledger counts each document once.
      data.filled = sync.ledger.counts().docs;
      task.finish(`${data.filled} documents`);
    } finally {
      sync.close();
    }
    data.done = true;
    await ctx.save();
    await ctx.setResult('backfill', { method: 'snapshot', read: data.filled, written: data.filled });
    return DONE;
  },
  async verify(ctx) {
    const data = ctx.data;
    const sync = openSync(ctx);
    try {
      const rows = sync.ledger.counts().docs;
      if (!data.done || rows !== data.filled)
        throw new StepVerificationError(
          `the ledger holds ${rows} rows but ${data.filled ?? 0} restored documents were listed`,
          'Run `ferry resume` to list the dest again.',
        );
    } finally {
      sync.close();
    }
  },
};
