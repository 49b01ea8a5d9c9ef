// ferry run (new migration) and ferry resume (continue a saved one): the same runner, different starts.
import type { Command } from 'commander';
import { ConfigError } from '../../cluster/errors.js';
import { formatChecks } from '../../plan/check.js';
import type { Plan } from '../../plan/options.js';
import { loadPlan, publicPlan } from '../../plan/options.js';
import type { MigrationState } from '../../state/migration-state.js';
import { newState } from '../../state/migration-state.js';
import { clearSignal } from '../../state/operator-signal.js';
import { RunLock } from '../../state/run-lock.js';
import { StateStore } from '../../state/state-store.js';
import type { RunFlags } from '../../steps/step.js';
import { type Strategy, strategyFor } from '../../strategies/registry.js';
import { type RunnerResult, runSteps } from '../../strategies/step-runner.js';
import { addPlanFlags, addRunFlags } from '../plan-flags.js';
import { type CommonFlags, connectSides, loadSaved, progressFor } from '../session.js';

interface RunCommandFlags extends CommonFlags {
  confirmSwitch?: boolean;
  yesDeleteSource?: boolean;
  acceptCountDrift?: boolean;
}

export function registerRunCommands(program: Command): void {
  addRunFlags(
    addPlanFlags(
      program
        .command('run')
        .description('start a migration (checks first; nothing changes if a check fails)'),
    ),
  ).action(async (flags: RunCommandFlags) => {
    const plan = loadPlan(flags);
    const store = new StateStore(plan.stateDir, plan.id);
    if (await store.exists()) {
      throw new ConfigError(
        `Migration "${plan.id}" already exists in ${plan.stateDir}.`,
        `Continue it with: ferry resume --id ${plan.id}   (or give a new --id)`,
      );
    }
    const strategy = strategyFor(plan.strategy);
    await preflightOrStop(plan, strategy.checks, flags);
    const state = newState(
      plan.id,
      plan.strategy,
      publicPlan(plan),
      strategy.steps.map((s) => s.name),
      new Date(),
    );
    await execute(plan, state, store, flags);
  });
  addRunFlags(
    program
      .command('resume')
      .description('continue a stopped, paused, failed or waiting migration')
      .option('--id <id>', 'migration name')
      .option('--state-dir <dir>', 'where progress is saved (default: .ferry)'),
  ).action(async (flags: RunCommandFlags) => {
    const { plan, state, store } = await loadSaved(flags);
    if (state.status === 'aborted')
      throw new ConfigError(
        `Migration "${plan.id}" was aborted.`,
        'Start a new one with ferry run and a new --id.',
      );
    await clearSignal(store.dir, 'pause');
    await execute(plan, state, store, flags);
  });
  program
    .command('cleanup')
    .description('delete the source after a clean verification (asks for --yes-delete-source)')
    .option('--id <id>', 'migration name')
    .option('--state-dir <dir>', 'where progress is saved (default: .ferry)')
    .option('--yes-delete-source', 'delete the source index (cannot be undone)')
    .option('--json', 'machine-readable progress events on stderr')
    .option('--quiet', 'no progress output')
    .action(async (flags: RunCommandFlags) => {
      const { plan, state, store } = await loadSaved(flags);
      await execute(plan, state, store, flags);
    });
}

/** Runs the checks before any state exists, so bad input leaves nothing behind, not even a state folder. */
async function preflightOrStop(
  plan: Plan,
  checks: Strategy['checks'],
  flags: RunCommandFlags,
): Promise<void> {
  const sides = await connectSides(plan);
  try {
    const results = await checks(plan, sides);
    const failed = results.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new ConfigError(
        `Preflight failed; nothing was changed:\n${formatChecks(failed)
          .map((l) => `  ${l}`)
          .join('\n')}`,
        failed.map((c) => c.fix).join(' '),
      );
    }
    if (!flags.quiet) progressFor(flags).info(`preflight: ${results.length} checks passed`);
  } finally {
    await sides.close();
  }
}

async function execute(
  plan: Plan,
  state: MigrationState,
  store: StateStore,
  flags: RunCommandFlags,
): Promise<void> {
  const progress = progressFor(flags);
  const strategy = strategyFor(state.strategy);
  const runFlags: RunFlags = {
    confirmSwitch: !!flags.confirmSwitch,
    confirmDelete: !!flags.yesDeleteSource,
    acceptCountDrift: !!flags.acceptCountDrift,
  };
  const sides = await connectSides(plan);
  await store.save(state);
  const lock = await RunLock.acquire(store.dir);
  try {
    progress.info(
      `migration ${plan.id}: ${sides.source.label} ${plan.sourceIndex} -> ${sides.dest.label} ${plan.destIndex} (${plan.strategy}); state in ${store.dir}`,
    );
    const result = await runSteps({
      steps: strategy.steps,
      plan,
      state,
      store,
      source: sides.source,
      dest: sides.dest,
      progress,
      flags: runFlags,
    });
    printOutcome(plan, result);
  } finally {
    await lock.release();
    await sides.close();
  }
}

function printOutcome(plan: Plan, result: RunnerResult): void {
  if (result.status === 'waiting') {
    console.log(`\nmigration ${plan.id} is waiting for you:`);
    for (const line of result.instructions ?? []) console.log(`  ${line}`);
  } else if (result.status === 'paused') {
    console.log(`\nmigration ${plan.id} paused. Continue with: ferry resume --id ${plan.id}`);
  } else {
    console.log(`\nmigration ${plan.id} is done. Details: ferry status --id ${plan.id}`);
  }
}
