// ferry plan: a dry run. Connects, runs every preflight check and prints each step with what it will change.
import type { Command } from 'commander';
import { formatChecks } from '../../plan/check.js';
import { loadPlan, publicPlan } from '../../plan/options.js';
import { operatorPlan } from '../../report/operator-report.js';
import { strategyFor } from '../../strategies/registry.js';
import { addPlanFlags } from '../plan-flags.js';
import { type CommonFlags, connectSides } from '../session.js';

export function registerPlanCommand(program: Command): void {
  addPlanFlags(
    program.command('plan').description('dry run: check everything and print every step; changes nothing'),
  )
    .option('--json', 'print the plan as JSON')
    .option('--quiet', 'accepted for symmetry with run; plan prints only its result')
    .action(async (flags: CommonFlags) => {
      const plan = loadPlan(flags);
      const strategy = strategyFor(plan.strategy);
      const sides = await connectSides(plan);
      try {
        const checks = await strategy.checks(plan, sides);
        const steps = strategy.steps.map((s) => ({ step: s.name, actions: s.describe(plan) }));
        if (flags.json) {
          console.log(
            JSON.stringify(
              { plan: publicPlan(plan), source: sides.source.label, dest: sides.dest.label, checks, steps },
              null,
              2,
            ),
          );
        } else {
          console.log(`migration ${plan.id} (${plan.strategy})`);
          console.log(`  source ${sides.source.label} index ${plan.sourceIndex}`);
          console.log(`  dest   ${sides.dest.label} index ${plan.destIndex}\n\nchecks:`);
          for (const line of formatChecks(checks)) console.log(`  ${line}`);
          console.log('\noperator:');
          for (const line of operatorPlan(plan)) console.log(line);
          console.log('\nsteps:');
          steps.forEach((s, i) => {
            console.log(`  ${i + 1}. ${s.step}`);
            for (const a of s.actions) console.log(`       - ${a}`);
          });
        }
        if (checks.some((c) => !c.ok)) process.exitCode = 2;
      } finally {
        await sides.close();
      }
    });
}
