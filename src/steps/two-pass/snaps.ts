// Step 2: snapshot only the source index into the shared repository and restore it on the dest under the
// dest name, without the default pipeline setting (the seed restored it and had to null it afterwards).
// Re-runnable: an existing good snapshot is reused, a failed one retaken, a restore in progress awaited.
import { recoveryProgress, startRestore } from '../../cluster/snapshots.js';
import { StepVerificationError } from '../errors.js';
import { ensureRepositories, type SnapshotTakingRecord, takeSnapshotOnce } from '../snapshot-taking.js';
import { DONE, type Step, type StepContext } from '../step.js';

const POLL_MS = 500;

export const snaps: Step<SnapshotTakingRecord> = {
  name: 'snaps',
  describe: (plan) => [
    `register repository ${plan.repository.name} on both clusters if needed (read-only on the dest)`,
    `snapshot ${plan.sourceIndex} as ${snapshotName(plan.id)} (only that index, no global state)`,
    `restore it on the dest as ${plan.destIndex}, ignoring index.default_pipeline`,
  ],
  async run(ctx) {
    await ensureRepositories(ctx, { purpose: 'registered by snaps', verify: false });
    await takeSnapshotOnce(ctx, snapshotName(ctx.plan.id), 'taken by snaps');
    ctx.checkpoint('snapshot-done');
    await restore(ctx);
    return DONE;
  },
  async verify(ctx) {
    const progress = await recoveryProgress(ctx.dest, ctx.plan.destIndex);
    if (!progress.finished)
      throw new StepVerificationError(
        `${ctx.plan.destIndex} is not fully restored on the dest`,
        'Run `ferry resume` to wait for it.',
      );
  },
};

export function snapshotName(id: string): string {
  return `ferry-${id}`.toLowerCase();
}

async function restore(ctx: StepContext): Promise<void> {
  const { plan, dest } = ctx;
  if (!(await dest.indexExists(plan.destIndex))) {
    await ctx.recordUndo({
      kind: 'delete-index',
      side: 'dest',
      index: plan.destIndex,
      reason: 'restored by snaps',
    });
    await startRestore(dest, {
      repository: plan.repository.name,
      snapshot: snapshotName(plan.id),
      index: plan.sourceIndex,
      renameTo: plan.destIndex,
      ignoreIndexSettings: ['index.default_pipeline'],
    });
  }
  ctx.checkpoint('restore-started');
  const task = ctx.progress.task('restore', undefined, 'bytes');
  for (;;) {
    const p = await recoveryProgress(dest, plan.destIndex);
    task.setTotal(p.total || undefined);
    task.update(p.done);
    if (p.finished) break;
    await ctx.sleep(POLL_MS);
  }
  task.finish();
}
