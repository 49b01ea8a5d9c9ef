// The seed's make_null: the dest must not carry the source's default pipeline. snaps already restores without
// it; this checks, and clears it if it is there anyway (recording the old value first).
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

export const makeNull: Step = {
  name: 'make_null',
  describe: (plan) => [`make sure index.default_pipeline of ${plan.destIndex} on the dest is unset`],
  async run(ctx) {
    const { plan, dest } = ctx;
    const current = (await dest.getIndexSettings(plan.destIndex))['index.default_pipeline'];
    if (current !== undefined && current !== null) {
      await ctx.recordUndo({
        kind: 'restore-index-setting',
        side: 'dest',
        index: plan.destIndex,
        setting: 'index.default_pipeline',
        previous: current,
        reason: 'cleared by make_null',
      });
      await dest.putIndexSettings(plan.destIndex, { 'index.default_pipeline': null });
    }
    return DONE;
  },
  async verify(ctx) {
    const current = (await ctx.dest.getIndexSettings(ctx.plan.destIndex))['index.default_pipeline'];
    if (current !== undefined && current !== null)
      throw new StepVerificationError(
        `index.default_pipeline of ${ctx.plan.destIndex} is still ${String(current)}`,
        'Run `ferry resume`.',
      );
  },
};
