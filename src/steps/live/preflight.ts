// Live step 1: every read-only check the live strategy relies on; nothing changes until they pass. It also
// records, once, how the backfill fills the dest (snapshot/restore or the sliced copy) and why: a resumed
// migration keeps the method it started with.
import { chooseBackfill } from '../../plan/backfill-choice.js';
import { liveChecks } from '../../plan/live-checks.js';
import { StepVerificationError } from '../errors.js';
import { preflightStep } from '../preflight-step.js';
import type { Step } from '../step.js';

const checks = preflightStep(
  'preflight',
  'read-only checks: source index, dest index absent, no cluster blocks on the dest, disk with replicas under the high watermark, room for the ledger on the state disk, shard limit, _source, backfill method',
  liveChecks,
);

export const preflight: Step = {
  ...checks,
  async run(ctx) {
    const outcome = await checks.run(ctx);
    if (ctx.state.results.backfillMethod) return outcome;
    const { choice } = await chooseBackfill(ctx.plan, ctx);
    // The checks just passed: a snapshot that became impossible in between must not quietly turn into a copy.
    if (ctx.plan.backfill === 'snapshot' && choice.method !== 'snapshot')
      throw new StepVerificationError(
        `--backfill snapshot became impossible during the preflight: ${choice.reason}`,
        'Fix the repository, then run `ferry resume`.',
      );
    await ctx.setResult('backfillMethod', choice);
    ctx.progress.info(`backfill: ${choice.reason}`);
    return outcome;
  },
};
