// Live step 3: copy everything the source holds, after recording per-shard marks (global checkpoints) in the
// ledger: every write at or below a mark is in the copy, every write above it is picked up by change capture.
// Every document goes through the applier, so the ledger knows each destination write Ferry made, a client
// that moved early keeps its writes, and a killed backfill resumes from its slice cursors (re-read pages are
// skipped by the ledger).
import type { SliceCursor } from '../../cluster/read/hits.js';
import { backfillIndex } from '../../sync/backfill.js';
import { captureBounds } from '../../sync/capture.js';
import { checkIndices, openSync } from '../../sync/open.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

const SAVE_EVERY_MS = 1000;

export interface BackfillRecord {
  /** Slice cursors, by slice number, saved after the slice's page is in the ledger. */
  cursors?: Record<number, SliceCursor>;
  /** Set once the marks are in the ledger. */
  marksRecorded?: boolean;
  /** Documents read from the source by the finished copy. */
  read?: number;
  /** Documents the source held when the copy started: the total `ferry status` measures progress against. */
  total?: number;
  /** Documents read so far (saved with the cursors), and where this attempt started: rate and ETA come from it. */
  progress?: { read: number; at: string; attemptRead: number; attemptAt: string };
}

function readSoFar(cursors: Record<number, SliceCursor>): number {
  return Object.values(cursors).reduce((sum, c) => sum + c.read, 0);
}

export const backfill: Step<BackfillRecord> = {
  name: 'backfill',
  describe: (plan) => [
    `record per-shard _seq_no marks of ${plan.sourceIndex} (global checkpoints) in the ledger`,
    `copy every document to ${plan.destIndex}, one slice per shard (point-in-time or scroll), keeping _id and routing; each write conditional (create, or on Ferry's last write) and recorded in the ledger`,
  ],
  async run(ctx) {
    const { plan, source } = ctx;
    const data = ctx.data;
    const sync = openSync(ctx);
    try {
      await checkIndices(ctx, sync.ledger);
      const recovered = await sync.applier.recover();
      if (recovered.landed + recovered.notLanded + recovered.client > 0)
        ctx.progress.info(
          `ledger: resolved writes of the stopped run: ${recovered.landed} landed, ${recovered.notLanded} not, ${recovered.client} overwritten by clients`,
        );
      if (!data.marksRecorded) {
        const bounds = await captureBounds(source, plan.sourceIndex);
        sync.ledger.commit({ marks: bounds.marks, histories: bounds.histories });
        data.marksRecorded = true;
        await ctx.save();
      }
      ctx.checkpoint('watermarks-recorded');
      const cursors = data.cursors ?? {};
      data.total ??= await source.count(plan.sourceIndex);
      const started = { attemptRead: readSoFar(cursors), attemptAt: ctx.now().toISOString() };
      data.progress = { read: started.attemptRead, at: started.attemptAt, ...started };
      let lastSave = 0;
      const result = await backfillIndex({
        source,
        index: plan.sourceIndex,
        applier: sync.applier,
        progress: ctx.progress,
        cursors,
        onCursor: async (cursor) => {
          cursors[cursor.slice] = cursor;
          data.cursors = cursors;
          data.progress = { ...started, read: readSoFar(cursors), at: ctx.now().toISOString() };
          if (ctx.now().getTime() - lastSave < SAVE_EVERY_MS) return;
          lastSave = ctx.now().getTime();
          await ctx.save();
          ctx.checkpoint('cursor-saved');
        },
        stopRequested: () => ctx.pauseRequested(),
        sleep: ctx.sleep,
        // Test hook: small pages make a backfill last long enough for a fault test to strike in the middle.
        ...(ctx.testHooks.backfillPage ? { pageSize: ctx.testHooks.backfillPage } : {}),
      });
      data.cursors = cursors;
      if (result.stopped) {
        await ctx.save();
        return { kind: 'paused' };
      }
      data.read = result.read;
      await ctx.setResult('backfill', result);
      if (result.withoutSource > 0)
        throw new Error(
          `${result.withoutSource} document(s) have no _source and cannot be copied document by document; nothing was lost on the source.`,
        );
      return DONE;
    } finally {
      sync.close();
    }
  },
  async verify(ctx) {
    const sync = openSync(ctx);
    try {
      const counts = sync.ledger.counts();
      const read = ctx.data.read ?? 0;
      // Each document read is in the ledger: written by Ferry, or owned by a client that wrote it first.
      if (counts.written + counts.client < read - counts.deleted)
        throw new StepVerificationError(
          `the ledger holds ${counts.written + counts.client} documents but the backfill read ${read}`,
          'Run `ferry resume` to copy again; documents already there are skipped.',
        );
    } finally {
      sync.close();
    }
  },
};
