// Step 2.1: the seed compares document counts of source and dest. Kept, and recorded for the report; a
// mismatch stops the run unless --accept-count-drift says to go on as the seed would. (Equal counts prove
// little: `ferry verify` and the loss audit compare documents.)
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';
import { type CountsRecord, verifyCountRecord } from './count-record.js';

export const verifyingSnapshotAndRestore: Step<CountsRecord> = {
  name: 'verifying_snapshot_and_restore',
  describe: (plan) => [
    `compare count(${plan.sourceIndex}) on the source with count(${plan.destIndex}) on the dest`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    await Promise.all([source.refresh(plan.sourceIndex), dest.refresh(plan.destIndex)]);
    const [sourceCount, destCount] = await Promise.all([
      source.count(plan.sourceIndex),
      dest.count(plan.destIndex),
    ]);
    const result = { sourceCount, destCount, equal: sourceCount === destCount };
    ctx.data.result = result;
    await ctx.setResult('firstPassCounts', result);
    ctx.progress.info(
      `first pass counts: source ${sourceCount}, dest ${destCount}${result.equal ? '' : ' (differ)'}`,
    );
    if (!result.equal && !ctx.flags.acceptCountDrift) {
      throw new StepVerificationError(
        `counts differ: source ${sourceCount}, dest ${destCount}. Deletes and in-place updates on the source after the snapshot are not carried by two-pass.`,
        'Use --strategy live to carry them, or run `ferry resume --accept-count-drift` to go on as the seed method would (the loss audit then shows what was lost).',
      );
    }
    return DONE;
  },
  async verify(ctx) {
    const counts = verifyCountRecord(ctx, 'firstPassCounts', (c) => c.sourceCount === c.destCount);
    // Nothing writes to the dest index before the clients switch, so it still holds what was counted.
    const now = await ctx.dest.count(ctx.plan.destIndex);
    if (now !== counts.destCount)
      throw new StepVerificationError(
        `${ctx.plan.destIndex} on the dest holds ${now} documents, ${counts.destCount} were counted: something writes to it before the client switch`,
        'Stop whatever writes to the dest index, then run `ferry resume`.',
      );
  },
};
