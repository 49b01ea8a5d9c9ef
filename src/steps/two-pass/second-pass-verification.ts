// Step 3.1: the seed's count check, count(source) + count(delta) vs count(dest). Kept and recorded; as the
// report says, it double counts every document updated during the move, so it can fail on a correct copy and
// pass on a broken one. A mismatch stops the run unless --accept-count-drift.
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';
import { type CountsRecord, verifyCountRecord } from './count-record.js';

export const secondPassVerification: Step<CountsRecord> = {
  name: 'second_pass_verification',
  describe: (plan) => [
    `compare count(${plan.sourceIndex}) + count(${plan.deltaIndex}) on the source with count(${plan.destIndex}) on the dest`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    await Promise.all([
      source.refresh(plan.sourceIndex),
      source.refresh(plan.deltaIndex),
      dest.refresh(plan.destIndex),
    ]);
    const [sourceCount, deltaCount, destCount] = await Promise.all([
      source.count(plan.sourceIndex),
      source.count(plan.deltaIndex),
      dest.count(plan.destIndex),
    ]);
    const result = { sourceCount, deltaCount, destCount, equal: sourceCount + deltaCount === destCount };
    ctx.data.result = result;
    await ctx.setResult('secondPassCounts', result);
    ctx.progress.info(
      `second pass counts: source ${sourceCount} + delta ${deltaCount} = ${sourceCount + deltaCount}, dest ${destCount}`,
    );
    if (!result.equal && !ctx.flags.acceptCountDrift) {
      throw new StepVerificationError(
        `counts differ: source + delta = ${sourceCount + deltaCount}, dest = ${destCount}`,
        'Updated documents are counted in both source and delta; run `ferry verify` for a per-document answer, or `ferry resume --accept-count-drift` to go on as the seed would.',
      );
    }
    return DONE;
  },
  async verify(ctx) {
    verifyCountRecord(ctx, 'secondPassCounts', (c) => c.sourceCount! + c.deltaCount! === c.destCount);
  },
};
