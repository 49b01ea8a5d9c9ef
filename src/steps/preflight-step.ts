// The first step of every strategy: its read-only checks, printed, and a stop before anything changes if
// one fails. `ferry run` runs the same checks before it even creates state; this step runs them again on
// resume, because the clusters may have changed since.
import { type CheckResult, formatChecks } from '../plan/check.js';
import type { Plan } from '../plan/options.js';
import type { Sides } from '../plan/preflight.js';
import { StepVerificationError } from './errors.js';
import { DONE, type Step } from './step.js';

/** Each check's name and whether it passed, as the preflight ran them. */
export interface PreflightRecord {
  checks?: { name: string; ok: boolean }[];
}

export function preflightStep(
  name: string,
  summary: string,
  checks: (plan: Plan, sides: Sides) => Promise<CheckResult[]>,
): Step<PreflightRecord> {
  return {
    name,
    describe: () => [summary],
    async run(ctx) {
      const results = await checks(ctx.plan, ctx);
      for (const line of formatChecks(results)) ctx.progress.info(line);
      ctx.data.checks = results.map((c) => ({ name: c.name, ok: c.ok }));
      await ctx.save();
      const failed = results.filter((c) => !c.ok);
      if (failed.length > 0) {
        throw new StepVerificationError(
          `${failed.length} preflight check(s) failed: ${failed.map((c) => c.name).join('; ')}. Nothing was changed.`,
          failed.map((c) => c.fix).join(' '),
        );
      }
      return DONE;
    },
    async verify(ctx) {
      const recorded = ctx.data.checks;
      if (!recorded?.length)
        throw new StepVerificationError('no preflight check was recorded', 'Run `ferry resume`.');
      const failed = recorded.filter((c) => !c.ok);
      if (failed.length > 0)
        throw new StepVerificationError(
          `preflight recorded ${failed.length} failed check(s): ${failed.map((c) => c.name).join('; ')}`,
          'Run `ferry resume` to check again.',
        );
    },
  };
}
