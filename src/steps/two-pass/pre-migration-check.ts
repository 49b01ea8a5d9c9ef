// Step 0: every check that can fail, before anything changes on either cluster.
import { StepVerificationError } from '../../cluster/errors.js';
import { formatChecks } from '../../plan/check.js';
import { twoPassChecks } from '../../strategies/two-pass-checks.js';
import { DONE, type Step } from '../step.js';

export const preMigrationCheck: Step = {
  name: 'pre_migration_check',
  describe: () => [
    'read-only checks: indices, disk with replicas under the high watermark, shard limit, repository, snapshot compatibility, remote allowlist, pipelines, reindex, _source',
  ],
  async run(ctx) {
    const checks = await twoPassChecks(ctx.plan, ctx);
    for (const line of formatChecks(checks)) ctx.progress.info(line);
    ctx.data.checks = checks;
    await ctx.save();
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
