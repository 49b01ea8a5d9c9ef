// Step 2: snapshot only the source index into the shared repository and restore it on the dest under the
// dest name, without the default pipeline setting (the seed restored it and had to null it afterwards).
// Re-runnable: an existing good snapshot is reused, a failed one retaken, a restore in progress awaited.
import {
  deleteSnapshot,
  getRepository,
  getSnapshot,
  putFsRepository,
  recoveryProgress,
  snapshotProgress,
  startRestore,
  startSnapshot,
} from '../../cluster/snapshots.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

const POLL_MS = 500;

export const snaps: Step = {
  name: 'snaps',
  describe: (plan) => [
    `register repository ${plan.repository.name} on both clusters if needed (read-only on the dest)`,
    `snapshot ${plan.sourceIndex} as ${snapshotName(plan.id)} (only that index, no global state)`,
    `restore it on the dest as ${plan.destIndex}, ignoring index.default_pipeline`,
  ],
  async run(ctx) {
    await ensureRepositories(ctx);
    await takeSnapshot(ctx);
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

async function ensureRepositories(ctx: StepContext): Promise<void> {
  const { name, location } = ctx.plan.repository;
  for (const side of ['source', 'dest'] as const) {
    const client = ctx[side];
    if (await getRepository(client, name)) continue;
    if (!location)
      throw new StepVerificationError(
        `repository ${name} is not registered on the ${side}`,
        'Register it or give --repository-location.',
      );
    await ctx.recordUndo({
      kind: 'delete-repository',
      side,
      repository: name,
      reason: 'registered by snaps',
    });
    await putFsRepository(client, name, location, side === 'dest');
  }
}

async function takeSnapshot(ctx: StepContext): Promise<void> {
  const { plan, source } = ctx;
  const repo = plan.repository.name;
  const name = snapshotName(plan.id);
  let info = await getSnapshot(source, repo, name);
  if (info && info.state !== 'SUCCESS' && info.state !== 'IN_PROGRESS') {
    ctx.progress.warn(`snapshot ${name} ended ${info.state}; taking it again`);
    await deleteSnapshot(source, repo, name);
    info = undefined;
  }
  if (!info) {
    if (!ctx.state.undo.some((u) => u.kind === 'delete-snapshot' && u.snapshot === name)) {
      await ctx.recordUndo({
        kind: 'delete-snapshot',
        side: 'source',
        repository: repo,
        snapshot: name,
        reason: 'taken by snaps',
      });
    }
    await startSnapshot(source, repo, name, plan.sourceIndex);
    ctx.data.snapshot = name;
    await ctx.save();
  }
  ctx.checkpoint('snapshot-started');
  const task = ctx.progress.task('snapshot', undefined, 'bytes');
  for (;;) {
    info = await getSnapshot(source, repo, name);
    if (info?.state === 'SUCCESS') break;
    if (info && info.state !== 'IN_PROGRESS')
      throw new StepVerificationError(
        `snapshot ${name} ended ${info.state}`,
        'Check the repository on the source (disk, permissions), then `ferry resume` retakes it.',
      );
    const p = await snapshotProgress(source, repo, name).catch(() => ({ done: 0, total: 0 }));
    task.setTotal(p.total || undefined);
    task.update(p.done);
    await ctx.sleep(POLL_MS);
  }
  task.finish();
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
