// Live step 6: the guarded cleanup. Only after a clean final verification and an explicit yes
// (--yes-delete-source): write-block the source (undo recorded first, so a kill before the delete leaves a
// block that abort takes off), wait for its operations to settle, apply the last changes and deletes a late
// client made (through the ledger, so a client's destination write still wins), and only then delete the source.
import { deleteRepository, deleteSnapshot } from '../../cluster/snapshots.js';
import { describeUndo } from '../../state/undo-action.js';
import { writeConflictsFile } from '../../sync/conflicts-file.js';
import { blockSourceWrites, settledPositions } from '../../sync/cutover.js';
import { IdentityError } from '../../sync/identity.js';
import { checkIndices, openSync } from '../../sync/open.js';
import { catchUp } from '../../sync/round.js';
import { destOperations } from '../../verify/client-ops.js';
import { StepVerificationError } from '../errors.js';
import { DONE, recordOf, type Step, type StepContext } from '../step.js';
import type { VerificationResult } from './final-verification.js';
import { sync } from './sync.js';

export const CLEANUP_GATE = 'delete-source';

export interface CleanupRecord {
  /** Set once the verification was found to cover every change Ferry applied (before cleanup's own round). */
  verificationFresh?: boolean;
}

/** When Ferry's write block on the source was set (a fenced switch), or undefined when it holds none. */
function blockedSince(state: StepContext['state']): string | undefined {
  const held = state.undo.some(
    (u) => u.kind === 'restore-index-setting' && u.side === 'source' && u.setting === 'index.blocks.write',
  );
  if (!held) return undefined;
  return recordOf(state, sync).switch?.blockedAt ?? 'the switch';
}

/**
 * Right before the delete: the dest holds at least what the verification listed, less what operations on it
 * since could have removed (each removal takes one). Fewer means documents vanished after the verification.
 */
async function checkDestStillHolds(ctx: StepContext, v: VerificationResult): Promise<void> {
  const { dest, plan } = ctx;
  await dest.refresh(plan.destIndex);
  const count = await dest.count(plan.destIndex);
  const since = (await destOperations(dest, plan.destIndex)) - v.destOpsBeforeListing;
  if (count < v.destDocs - since)
    throw new StepVerificationError(
      `The dest holds ${count} documents; the verification listed ${v.destDocs} and the dest took only ${since} operation(s) since, so at least ${v.destDocs - since - count} document(s) vanished without one; the source is not deleted.`,
      `Find out what removed them on the dest. The source is write-blocked and complete: undo with ferry abort --id ${plan.id} and run the migration again.`,
    );
}

export const cleanup: Step<CleanupRecord> = {
  name: 'cleanup',
  describe: (plan) => [
    `only with --yes-delete-source after a clean verification: block writes on ${plan.sourceIndex}, apply the last changes, delete ${plan.sourceIndex} on the source`,
  ],
  async run(ctx) {
    const { plan, state } = ctx;
    const verification = state.results.verification;
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
          `The destination is verified. ${blockedSince(state) ? `Writes on the source are blocked (Ferry's block since ${blockedSince(state)}). Ferry would now apply its last changes` : 'Ferry would now block writes on the source, apply its last changes'}, and delete:`,
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
    const data = ctx.data;
    const sync = openSync(ctx);
    try {
      // The verification is about these indices, and nothing Ferry applied since has gone unverified.
      const identities = await checkIndices(ctx, sync.ledger);
      if (identities.dest?.uuid !== verification.destIndexUuid)
        throw new IdentityError(
          `The dest index ${plan.destIndex} is not the one verified (index UUID ${verification.destIndexUuid}, now ${identities.dest?.uuid}); the source is not deleted.`,
          `Undo with ferry abort --id ${plan.id} and run the migration again.`,
        );
      if (!data.verificationFresh) {
        const since = sync.ledger.destOps() - verification.clientOps.ferryOps;
        if (since !== 0)
          throw new StepVerificationError(
            `The final verification is older than the last change Ferry applied (${since} operation(s) of Ferry's on the dest since ${verification.verifiedAt}); the source is not deleted.`,
            `Undo with ferry abort --id ${plan.id} and run the migration again; the source still holds every document.`,
          );
        data.verificationFresh = true;
        await ctx.save();
      }
      await blockSourceWrites(ctx, 'write block before deleting the source');
      ctx.checkpoint('source-blocked');
      await settledPositions(ctx, ctx.source, plan.sourceIndex);
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
      await checkDestStillHolds(ctx, verification);
      await checkIndices(ctx, sync.ledger);
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

/**
 * At cleanup: the backfill snapshot (and a repository Ferry registered for it) is no longer needed once the dest is
 * verified; each entry leaves the undo list once done, so a killed cleanup does it again harmlessly.
 */
async function dropBackfillSnapshot(ctx: StepContext): Promise<void> {
  for (let i = ctx.state.undo.length - 1; i >= 0; i--) {
    const u = ctx.state.undo[i]!;
    if (u.kind === 'delete-snapshot') await deleteSnapshot(ctx[u.side], u.repository, u.snapshot);
    else if (u.kind === 'delete-repository') await deleteRepository(ctx[u.side], u.repository);
    else continue;
    ctx.progress.info(`cleanup: ${describeUndo(u)}`);
    ctx.state.undo.splice(i, 1);
    await ctx.save();
  }
}
