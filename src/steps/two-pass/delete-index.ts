// Step 4: delete the source index and the delta index. Only when both count checks were clean (not merely
// accepted) and the operator said yes; otherwise it lists what it would delete and waits. Then the snapshot
// and the repositories Ferry registered for `snaps` go too (a repository the operator had registered stays),
// unless --keep-snapshot: after a clean finish nothing else needs them, and the undo list that would have
// removed them on an abort is cleared here.
import { deletePipeline } from '../../cluster/pipelines.js';
import { deleteRepository, deleteSnapshot } from '../../cluster/snapshots.js';
import type { UndoAction } from '../../state/undo-action.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

export const DELETE_GATE = 'delete-source';

type SnapshotLeftover = Extract<UndoAction, { kind: 'delete-snapshot' | 'delete-repository' }>;

interface DeleteIndexRecord {
  /** The snapshot and repositories to remove, kept before the undo list is cleared. */
  snapshotLeftovers?: SnapshotLeftover[];
}

export const deleteIndex: Step<DeleteIndexRecord> = {
  name: 'delete_index',
  describe: (plan) => [
    `only with --yes-delete-source and clean verifications: delete ${plan.sourceIndex} and ${plan.deltaIndex} on the source, and pipeline ${plan.pipeline}`,
    `then delete the snapshot in ${plan.repository.name} and unregister ${plan.repository.name} where Ferry registered it (not with --keep-snapshot)`,
  ],
  async run(ctx) {
    const { plan, source, state } = ctx;
    const first = state.results.firstPassCounts;
    const second = state.results.secondPassCounts;
    const clean = first?.equal === true && second?.equal === true;
    if (!clean) {
      throw new StepVerificationError(
        'The source is not deleted: a verification was not clean (counts differed and were only accepted).',
        `Run ferry verify to see the differences; the source ${plan.sourceIndex} stays. Remove it by hand once you are satisfied.`,
      );
    }
    if (!ctx.flags.confirmDelete && !state.confirmations[DELETE_GATE]) {
      return {
        kind: 'wait',
        gate: DELETE_GATE,
        instructions: [
          'Both verifications are clean. Ferry would now delete, on the source:',
          `  index ${plan.sourceIndex}`,
          `  index ${plan.deltaIndex}`,
          `  pipeline ${plan.pipeline}`,
          `Run: ferry resume --id ${plan.id} --yes-delete-source   (this cannot be undone)`,
        ],
      };
    }
    state.confirmations[DELETE_GATE] ??= new Date().toISOString();
    // Kept before the undo list goes, in the same save: a run killed after it still knows what to remove.
    ctx.data.snapshotLeftovers ??= state.undo.filter(
      (u): u is SnapshotLeftover => u.kind === 'delete-snapshot' || u.kind === 'delete-repository',
    );
    // Past this point there is no way back: the undo list no longer applies.
    state.undo = [];
    await ctx.save();
    await source.deleteIndex(plan.sourceIndex);
    await source.deleteIndex(plan.deltaIndex);
    await deletePipeline(source, plan.pipeline);
    await removeSnapshotLeftovers(ctx, ctx.data.snapshotLeftovers);
    return DONE;
  },
  async verify(ctx) {
    for (const index of [ctx.plan.sourceIndex, ctx.plan.deltaIndex]) {
      if (await ctx.source.indexExists(index))
        throw new StepVerificationError(`${index} still exists on the source`, 'Run `ferry resume`.');
    }
  },
};

/** The snapshot first: its repository must still be registered on the source to delete it. */
async function removeSnapshotLeftovers(ctx: StepContext, leftovers: SnapshotLeftover[]): Promise<void> {
  const names = leftovers.map((l) =>
    l.kind === 'delete-snapshot'
      ? `snapshot ${l.repository}/${l.snapshot}`
      : `repository ${l.repository} (${l.side})`,
  );
  if (leftovers.length === 0) return;
  if (ctx.flags.keepSnapshot) {
    await ctx.setResult('snapshotKept', names);
    ctx.progress.info(`kept (--keep-snapshot): ${names.join(', ')}`);
    return;
  }
  const ordered = [
    ...leftovers.filter((l) => l.kind === 'delete-snapshot'),
    ...leftovers.filter((l) => l.kind === 'delete-repository'),
  ];
  for (const l of ordered) {
    const client = l.side === 'source' ? ctx.source : ctx.dest;
    if (l.kind === 'delete-snapshot') await deleteSnapshot(client, l.repository, l.snapshot);
    else await deleteRepository(client, l.repository);
  }
  await ctx.setResult('snapshotRemoved', names);
  ctx.progress.info(`removed: ${names.join(', ')}`);
}
