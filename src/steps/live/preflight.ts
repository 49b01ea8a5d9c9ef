// Live step 1: every read-only check the live strategy relies on; nothing changes until they pass.
import { StepVerificationError } from '../../cluster/errors.js';
import { formatChecks } from '../../plan/check.js';
import { liveChecks } from '../../strategies/live-checks.js';
import { DONE, type Step } from '../step.js';

export const preflight: Step = {
  name: 'preflight',
  describe: () => [
    'read-only checks: source index, dest index absent, disk with replicas under the high watermark, shard limit, _source',
  ],
  async run(ctx) {
    const checks = await liveChecks(ctx.plan, ctx);
    for (const line of formatChecks(checks)) ctx.progress.info(line);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new StepVerificationError(
        `${failed.length} preflight check(s) failed: ${failed.map((c) => c.name).join('; ')}. Nothing was changed.`,
        failed.map((c) => c.fix).join(' '),
      );
    }
    return DONE;
  },
  async verify() {},
};
