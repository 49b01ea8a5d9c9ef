// Live step (snapshot backfill) 2/3: restore the snapshot on the dest under the dest name, leaving out the settings
// the copy path drops (pipelines, allocation, blocks, lifecycle), then give it the source's aliases as
// create_dest_index would. A resumed run waits for the restore it started rather than starting another.
import { getIndexAliases, putIndexAliases } from '../../cluster/aliases.js';
import { indexPrimaries } from '../../cluster/health.js';
import { getSnapshot, recoveryProgress, startRestore } from '../../cluster/snapshots.js';
import { planDestAliases } from '../../plan/dest-aliases.js';
import { planDestSettings } from '../../plan/dest-index.js';
import { sameCluster } from '../../plan/preflight.js';
import {
  backfillSnapshotName,
  RESTORE_IGNORED_SETTINGS,
  restoredMaxSeqNos,
} from '../../sync/snapshot-backfill.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';
import { recordCarried } from './create-dest-index.js';

export interface RestoreDestRecord {
  /** Per shard, the dest's max `_seq_no` once restored: the listing of fill_ledger stops there. */
  restoredMax?: Record<number, number>;
}

const RESTORED = 'restored by the snapshot backfill';
const POLL_MS = 500;
/** Red with nothing recovering for this long: the restore of a primary failed. */
const STUCK_MS = 60_000;

export const restoreDest: Step<RestoreDestRecord> = {
  name: 'restore_dest',
  describe: (plan) => [
    `restore ${plan.sourceIndex} from the snapshot as ${plan.destIndex} on the dest without ${RESTORE_IGNORED_SETTINGS.join(', ')}; carry its aliases`,
  ],
  async run(ctx) {
    const { plan, dest } = ctx;
    const data = ctx.data;
    if (!(await dest.indexExists(plan.destIndex))) {
      const snapshot = backfillSnapshotName(plan.id);
      await waitUntilDestSees(ctx, snapshot);
      if (!restoredByFerry(ctx))
        await ctx.recordUndo({ kind: 'delete-index', side: 'dest', index: plan.destIndex, reason: RESTORED });
      await startRestore(dest, {
        repository: plan.repository.name,
        snapshot,
        index: plan.sourceIndex,
        renameTo: plan.destIndex,
        ignoreIndexSettings: [...RESTORE_IGNORED_SETTINGS],
      });
    } else if (!restoredByFerry(ctx)) {
      throw new StepVerificationError(
        `${plan.destIndex} exists on the dest and Ferry did not restore it (a client wrote there before the restore?)`,
        `Delete that index if it holds nothing needed and run \`ferry resume\`, or abort and start again with another --dest-index.`,
      );
    }
    ctx.checkpoint('restore-started');
    await waitForRestore(ctx);
    data.restoredMax ??= await restoredMaxSeqNos(dest, plan.destIndex);
    await ctx.save();
    await carryAliasesAndReport(ctx);
    return DONE;
  },
  async verify(ctx) {
    const progress = await recoveryProgress(ctx.dest, ctx.plan.destIndex);
    if (!progress.finished || !ctx.data.restoredMax)
      throw new StepVerificationError(
        `${ctx.plan.destIndex} is not fully restored on the dest`,
        'Run `ferry resume` to wait for it.',
      );
  },
};

function restoredByFerry(ctx: StepContext): boolean {
  return ctx.state.undo.some(
    (u) => u.kind === 'delete-index' && u.side === 'dest' && u.index === ctx.plan.destIndex,
  );
}

async function waitForRestore(ctx: StepContext): Promise<void> {
  const { dest, plan } = ctx;
  const shards = Number((await dest.getIndexSettings(plan.destIndex))['index.number_of_shards'] ?? 1);
  const task = ctx.progress.task(`restore ${plan.destIndex}`, undefined, 'bytes');
  let stuckSince: number | undefined;
  for (;;) {
    const [p, h] = await Promise.all([
      recoveryProgress(dest, plan.destIndex),
      indexPrimaries(dest, plan.destIndex),
    ]);
    task.setTotal(p.total || undefined);
    task.update(p.done);
    // A shard whose restore failed is unassigned and absent from _recovery: "every listed shard done" is not enough.
    if (p.finished && h.activePrimaries === shards) break;
    const stuck = h.status === 'red' && h.initializing === 0;
    stuckSince = stuck ? (stuckSince ?? ctx.now().getTime()) : undefined;
    if (stuckSince !== undefined && ctx.now().getTime() - stuckSince > STUCK_MS)
      throw new StepVerificationError(
        `the restore of ${plan.destIndex} stopped with ${h.activePrimaries} of ${shards} primaries active and none recovering`,
        `See why on the dest: GET _cluster/allocation/explain (disk, shard limits, allocation filters). Then delete ${plan.destIndex} on the dest and run \`ferry resume\` to restore again.`,
      );
    await ctx.sleep(POLL_MS);
  }
  task.finish();
}

/** The aliases and the report lines create_dest_index gives a copied index (setting an alias again is harmless). */
async function carryAliasesAndReport(ctx: StepContext): Promise<void> {
  const { plan, source, dest } = ctx;
  const aliases = planDestAliases(
    await getIndexAliases(source, plan.sourceIndex),
    plan.destIndex,
    sameCluster(ctx),
  );
  await putIndexAliases(dest, plan.destIndex, aliases.carried);
  const changes = planDestSettings(await source.getIndexSettings(plan.sourceIndex, true)).changes.filter(
    (c) => RESTORE_IGNORED_SETTINGS.some((p) => matches(p, c.setting)),
  );
  await recordCarried(ctx, changes, aliases);
}

function matches(pattern: string, key: string): boolean {
  return pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern;
}

/** Waits until the dest lists the snapshot: a repository registered on both may cache its listing a moment. */
async function waitUntilDestSees(ctx: StepContext, name: string): Promise<void> {
  for (let i = 0; ; i++) {
    const info = await getSnapshot(ctx.dest, ctx.plan.repository.name, name);
    if (info?.state === 'SUCCESS') return;
    if (i >= 120)
      throw new StepVerificationError(
        `the dest does not see snapshot ${name} in repository ${ctx.plan.repository.name}`,
        'Make sure both clusters register the same repository (same location or bucket), then run `ferry resume`.',
      );
    await ctx.sleep(POLL_MS);
  }
}
