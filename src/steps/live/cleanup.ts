// Live step 6: the guarded cleanup. Only after a clean final verification and an explicit yes
// (--yes-delete-source): write-block the source (undo recorded first, so a kill before the delete leaves a
// block that abort takes off), wait for its operations to settle, apply the last changes and deletes a late
// client made (through the ledger, so a client's destination write still wins), and only then delete the source.
import { writeConflictsFile } from '../../sync/conflicts-file.js';
import { blockSourceWrites, settledPositions } from '../../sync/cutover.js';
import { openSync } from '../../sync/open.js';
import { catchUp } from '../../sync/round.js';
import { dropBackfillSnapshot } from '../../sync/snapshot-backfill.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

export const CLEANUP_GATE = 'delete-source';

export const cleanup: Step = {
  name: 'cleanup',
  describe: (plan) => [
    `only with --yes-delete-source after a clean verification: block writes on ${plan.sourceIndex}, apply the last changes, delete ${plan.sourceIndex} on the source`,
  ],
  async run(ctx) {
    const { plan, state } = ctx;
    const verification = state.results.verification as { unexplained: number } | undefined;
    if (verification?.unexplained !== 0) {
      throw new StepVerificationError(
        'The source is not deleted: the final verification is not clean.',
        'Run `ferry resume` to sync and verify again.',
      );
    }
    if (!ctx.flags.confirmDelete && !state.confirmations[CLEANUP_GATE]) {
      return {
        kind: 'wait',
        gate: CLEANUP_GATE,
        instructions: [
          'The destination is verified. Ferry would now block writes on the source, apply its last changes, and delete:',
          `  index ${plan.sourceIndex}`,
          `Run: ferry cleanup --id ${plan.id} --yes-delete-source   (this cannot be undone)`,
          `Or keep it and roll back with: ferry abort --id ${plan.id}${state.results.switchAcknowledgedAt ? ' --keep-dest' : ''}`,
        ],
      };
    }
    state.confirmations[CLEANUP_GATE] ??= ctx.now().toISOString();
    await ctx.save();
    // A run killed after the delete comes back here: the work is done.
    if (!(await ctx.source.indexExists(plan.sourceIndex))) return DONE;
    await blockSourceWrites(ctx, 'write block before deleting the source');
    ctx.checkpoint('source-blocked');
    await settledPositions(ctx, ctx.source, plan.sourceIndex);
    const sync = openSync(ctx);
    try {
      await sync.applier.recover();
      let last = await catchUp({ source: ctx.source, index: plan.sourceIndex, sync, scanDeletes: true });
      // A missed document sends capture back over its range: the next round copies it.
      for (let i = 0; i < 3 && last.unknownOnSource > 0; i++)
        last = await catchUp({ source: ctx.source, index: plan.sourceIndex, sync, scanDeletes: true });
      if (last.unknownOnSource > 0)
        throw new StepVerificationError(
          `${last.unknownOnSource} source document(s) are not in the ledger; the source is not deleted`,
          'Run `ferry resume` (the source stays write-blocked until then).',
        );
      await writeConflictsFile(plan, sync.ledger);
      await ctx.setResult('cleanup', {
        lastChanges: last.changes,
        lastWritten: last.written,
        lastDeleted: last.deleted,
        lastConflicts: last.conflicts,
        conflicts: sync.ledger.counts().conflicts,
      });
      ctx.progress.info(
        `cleanup: last round applied ${last.written} write(s) and ${last.deleted} delete(s) (${last.conflicts} conflict(s)); deleting ${plan.sourceIndex}`,
      );
    } finally {
      sync.close();
    }
    await dropBackfillSnapshot(ctx);
    // Past this point there is no way back: the undo list no longer applies.
    state.undo = [];
    await ctx.save();
    await ctx.source.deleteIndex(plan.sourceIndex);
    return DONE;
  },
  async verify(ctx) {
    if (await ctx.source.indexExists(ctx.plan.sourceIndex))
      throw new StepVerificationError(
        `${ctx.plan.sourceIndex} still exists on the source`,
        'Run `ferry cleanup` again.',
      );
  },
};
