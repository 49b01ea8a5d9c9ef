// Live step 6: the guarded cleanup. The source index is deleted only after a clean final verification and an
// explicit yes (--yes-delete-source); otherwise Ferry says what it would delete and waits.
import { StepVerificationError } from '../../cluster/errors.js';
import { DONE, type Step } from '../step.js';

export const CLEANUP_GATE = 'delete-source';

export const cleanup: Step = {
  name: 'cleanup',
  describe: (plan) => [
    `only with --yes-delete-source after a clean verification: delete ${plan.sourceIndex} on the source`,
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
          'The destination is verified. Ferry would now delete, on the source:',
          `  index ${plan.sourceIndex}`,
          `Run: ferry cleanup --id ${plan.id} --yes-delete-source   (this cannot be undone)`,
          `Or keep it and roll everything back with: ferry abort --id ${plan.id}`,
        ],
      };
    }
    state.confirmations[CLEANUP_GATE] ??= new Date().toISOString();
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
