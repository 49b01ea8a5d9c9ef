// Live step 2: the destination index, shaped like the source (mappings and the settings that matter), with
// every change made reported. Ferry never lets the destination auto-create it with guessed mappings.
import { createDestIndexFrom } from '../../copy/dest-index.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

export const createDestIndex: Step = {
  name: 'create_dest_index',
  describe: (plan) => [
    `create ${plan.destIndex} on the dest from ${plan.sourceIndex}'s mappings and settings (every change reported)`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    if (await dest.indexExists(plan.destIndex)) {
      // Only a re-run after a kill gets here: the undo entry proves Ferry made it.
      if (
        ctx.state.undo.some(
          (u) => u.kind === 'delete-index' && u.side === 'dest' && u.index === plan.destIndex,
        )
      )
        return DONE;
      throw new StepVerificationError(
        `${plan.destIndex} exists on the dest and Ferry did not create it`,
        'Choose another --dest-index.',
      );
    }
    await ctx.recordUndo({
      kind: 'delete-index',
      side: 'dest',
      index: plan.destIndex,
      reason: 'created by create_dest_index',
    });
    const changes = await createDestIndexFrom(source, dest, plan.sourceIndex, plan.destIndex);
    await ctx.setResult('indexChanges', changes);
    for (const c of changes) ctx.progress.info(`dest index: ${JSON.stringify(c)}`);
    return DONE;
  },
  async verify(ctx) {
    if (!(await ctx.dest.indexExists(ctx.plan.destIndex)))
      throw new StepVerificationError(`${ctx.plan.destIndex} is missing on the dest`, 'Run `ferry resume`.');
  },
};
