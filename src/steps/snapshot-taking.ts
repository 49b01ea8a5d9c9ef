// Taking one snapshot of the source index, for the two-pass `snaps` step and the live snapshot backfill alike:
// the repository registered where the operator gave a location (its undo recorded first), the snapshot started
// once (a resumed run waits for the same one, a failed one is taken again) and awaited with its progress.
import {
  deleteSnapshot,
  getRepository,
  getSnapshot,
  putFsRepository,
  snapshotProgress,
  startSnapshot,
  verifyRepository,
} from '../cluster/snapshots.js';
import { StepVerificationError } from './errors.js';
import type { StepContext } from './step.js';

const POLL_MS = 500;

/**
 * Registers the repository on each side where it is missing and a location was given (read-only on the dest: two
 * clusters writing one repository would corrupt it). `verify` asks each cluster to check it (the live backfill
 * does; two-pass keeps the seed's privileges, which need not include the verify call).
 */
export async function ensureRepositories(
  ctx: StepContext,
  o: { purpose: string; verify: boolean },
): Promise<void> {
  const { name, location } = ctx.plan.repository;
  for (const side of ['source', 'dest'] as const) {
    const client = ctx[side];
    if (!(await getRepository(client, name))) {
      if (!location)
        throw new StepVerificationError(
          `repository ${name} is not registered on the ${side}`,
          'Register it on both clusters (or give --repository-location), then run `ferry resume`.',
        );
      await ctx.recordUndo({ kind: 'delete-repository', side, repository: name, reason: o.purpose });
      await putFsRepository(client, name, location, side === 'dest');
    }
    if (!o.verify) continue;
    const verified = await verifyRepository(client, name);
    if (!verified.ok)
      throw new StepVerificationError(
        `repository ${name} does not verify on the ${side}: ${verified.reason}`,
        'Fix the repository (path.repo, permissions, credentials of the store), then run `ferry resume`.',
      );
  }
}

/** Snapshot `name` of the source index: started unless this migration already did, then awaited. */
/** What a step that takes a snapshot records: its name, once started. */
export interface SnapshotTakingRecord {
  snapshot?: string;
}

export async function takeSnapshotOnce(
  ctx: StepContext<SnapshotTakingRecord>,
  name: string,
  purpose: string,
): Promise<void> {
  const { plan, source } = ctx;
  const repo = plan.repository.name;
  let info = await getSnapshot(source, repo, name);
  if (info && info.state !== 'SUCCESS' && info.state !== 'IN_PROGRESS') {
    ctx.progress.warn(`snapshot ${name} ended ${info.state}; taking it again`);
    await deleteSnapshot(source, repo, name);
    info = undefined;
  }
  if (!info) {
    if (!ctx.state.undo.some((u) => u.kind === 'delete-snapshot' && u.snapshot === name))
      await ctx.recordUndo({
        kind: 'delete-snapshot',
        side: 'source',
        repository: repo,
        snapshot: name,
        reason: purpose,
      });
    await startSnapshot(source, repo, name, plan.sourceIndex);
    ctx.data.snapshot = name;
    await ctx.save();
  }
  ctx.checkpoint('snapshot-started');
  const task = ctx.progress.task(`snapshot ${plan.sourceIndex}`, undefined, 'bytes');
  for (;;) {
    info = await getSnapshot(source, repo, name);
    if (info?.state === 'SUCCESS') break;
    if (info && info.state !== 'IN_PROGRESS')
      throw new StepVerificationError(
        `snapshot ${name} ended ${info.state}`,
        'Check the repository on the source (disk, permissions), then `ferry resume` takes it again.',
      );
    const p = await snapshotProgress(source, repo, name).catch(() => ({ done: 0, total: 0 }));
    task.setTotal(p.total || undefined);
    task.update(p.done);
    await ctx.sleep(POLL_MS);
  }
  task.finish();
}
