// Step 4: delete the source index and the delta index. Only when both count checks were clean (not merely
// accepted) and the operator said yes; otherwise it lists what it would delete and waits.
import { deletePipeline } from '../../cluster/pipelines.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

export const DELETE_GATE = 'delete-source';

export const deleteIndex: Step = {
  name: 'delete_index',
  describe: (plan) => [
    `only with --yes-delete-source and clean verifications: delete ${plan.sourceIndex} and ${plan.deltaIndex} on the source, and pipeline ${plan.pipeline}`,
  ],
  async run(ctx) {
    const { plan, source, state } = ctx;
    const first = state.results.firstPassCounts as { equal: boolean } | undefined;
    const second = state.results.secondPassCounts as { equal: boolean } | undefined;
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
    // Past this point there is no way back: the undo list no longer applies.
    state.undo = [];
    await ctx.save();
    await source.deleteIndex(plan.sourceIndex);
    await source.deleteIndex(plan.deltaIndex);
    await deletePipeline(source, plan.pipeline);
    return DONE;
  },
  async verify(ctx) {
    for (const index of [ctx.plan.sourceIndex, ctx.plan.deltaIndex]) {
      if (await ctx.source.indexExists(index))
        throw new StepVerificationError(`${index} still exists on the source`, 'Run `ferry resume`.');
    }
  },
};
