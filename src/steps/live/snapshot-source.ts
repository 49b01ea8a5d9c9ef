// Live step (snapshot backfill) 1/3: record each source shard's mark (global checkpoint) in the ledger, then
// snapshot the source index into the repository both clusters share. The marks come first: every operation at or
// below them is in the snapshot, and capture starts from them. A resumed run waits for the same snapshot.
import { getSnapshot } from '../../cluster/snapshots.js';
import { captureBounds } from '../../sync/capture.js';
import { checkIndices, openSync } from '../../sync/open.js';
import { backfillSnapshotName } from '../../sync/snapshot-backfill.js';
import { StepVerificationError } from '../errors.js';
import { ensureRepositories, type SnapshotTakingRecord, takeSnapshotOnce } from '../snapshot-taking.js';
import { DONE, type Step } from '../step.js';

export interface SnapshotSourceRecord extends SnapshotTakingRecord {
  /** Set once the marks are in the ledger (before the snapshot started). */
  marksRecorded?: boolean;
}

export const snapshotSource: Step<SnapshotSourceRecord> = {
  name: 'snapshot_source',
  describe: (plan) => [
    `register repository ${plan.repository.name} where a location was given (read-only on the dest), verify it on both clusters`,
    `record per-shard _seq_no marks of ${plan.sourceIndex} (global checkpoints) in the ledger, then snapshot ${plan.sourceIndex} as ${backfillSnapshotName(plan.id)} (that index only, no global state; deleted at cleanup or abort)`,
  ],
  async run(ctx) {
    const data = ctx.data;
    await ensureRepositories(ctx, { purpose: 'registered for the snapshot backfill', verify: true });
    if (!data.marksRecorded) {
      const sync = openSync(ctx);
      try {
        await checkIndices(ctx, sync.ledger, false);
        const bounds = await captureBounds(ctx.source, ctx.plan.sourceIndex);
        sync.ledger.commit({ marks: bounds.marks, histories: bounds.histories });
      } finally {
        sync.close();
      }
      data.marksRecorded = true;
      data.snapshot = backfillSnapshotName(ctx.plan.id);
      await ctx.save();
    }
    ctx.checkpoint('watermarks-recorded');
    await takeSnapshotOnce(ctx, backfillSnapshotName(ctx.plan.id), 'taken by the snapshot backfill');
    return DONE;
  },
  async verify(ctx) {
    const name = backfillSnapshotName(ctx.plan.id);
    const info = await getSnapshot(ctx.source, ctx.plan.repository.name, name);
    if (info?.state !== 'SUCCESS')
      throw new StepVerificationError(
        `snapshot ${name} is ${info?.state ?? 'missing'}`,
        'Run `ferry resume` to take it again.',
      );
  },
};
