// ferry run (new migration) and ferry resume (continue a saved one): the same runner, different starts.
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { clearControlRequest, requestControls } from '../../operator/controls.js';
import { formatChecks } from '../../plan/check.js';
import type { Plan } from '../../plan/options.js';
import { loadPlan, publicPlan } from '../../plan/options.js';
import type { MigrationState } from '../../state/migration-state.js';
import { newState } from '../../state/migration-state.js';
import { clearSignal } from '../../state/operator-signal.js';
import { StateStore } from '../../state/state-store.js';
import { type Strategy, strategyFor } from '../../strategies/registry.js';
import { addConnectionFlags, addPlanFlags, addRunFlags, addTuningFlags } from '../plan-flags.js';
import { type CommonFlags, connectSides, loadSaved, progressFor } from '../session.js';
import { executeSteps } from './execute.js';
import { type GivenRunFlags, runFlagsFor } from './run-flags.js';
import { controlsFromFlags } from './set.js';

interface RunCommandFlags extends CommonFlags, GivenRunFlags {}

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
    const previous = await store.load();
    if (previous && previous.status !== 'aborted') throw existingMigration(plan, previous);
    const strategy = strategyFor(plan.strategy);
    await preflightOrStop(plan, strategy.checks, flags);
    if (previous) {
      const kept = await store.archive(previous);
      progressFor(flags).info(
        `migration ${plan.id} was aborted (${previous.updatedAt}); starting it again from the beginning with a fresh ledger. The old run's folder is kept as ${kept}.`,
      );
    }
    const state = newState(
      plan.id,
      plan.strategy,
      publicPlan(plan),
      strategy.steps.map((s) => s.name),
      new Date(),
    );
    await clearControlRequest(store.dir);
    await execute(plan, state, store, flags, 'run');
  });
  addRunFlags(
    addTuningFlags(
      addConnectionFlags(
        program
          .command('resume')
          .description('continue a stopped, paused, failed or waiting migration')
          .option('--id <id>', 'migration name')
          .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)'),
      ),
    ),
  ).action(async (flags: RunCommandFlags) => {
    const { plan, state, store, changes } = await loadSaved(flags, { connect: true });
    refuseAborting(state);
    if (state.status === 'aborted')
      throw new ConfigError(
        `Migration "${plan.id}" was aborted; there is nothing to resume.`,
        `Start it again from the beginning with the same ferry run command (it reuses the id "${plan.id}"), or drop its record with: ferry forget --id ${plan.id}`,
      );
    if (changes.length > 0) {
      Object.assign(state.plan, publicPlanTuning(plan));
      progressFor(flags).info(`changed on resume: ${changes.join(', ')}`);
    }
    await clearSignal(store.dir, 'pause');
    const given = controlsFromFlags(flags);
    if (given) await requestControls(store.dir, { at: new Date().toISOString(), by: 'resume', set: given });
    await execute(plan, state, store, flags, 'resume');
  });
  addConnectionFlags(
    program
      .command('cleanup')
      .description('delete the source after a clean verification (asks for --yes-delete-source)')
      .option('--id <id>', 'migration name')
      .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
      .option('--yes-delete-source', 'delete the source index (cannot be undone)')
      .option('--json', 'progress as JSON lines on stderr; the answer as one JSON object on stdout')
      .option('--quiet', 'no progress output'),
  ).action(async (flags: RunCommandFlags) => {
    const { plan, state, store } = await loadSaved(flags, { connect: true });
    refuseAborting(state);
    if (state.status === 'aborted')
      throw new ConfigError(
        `Migration "${plan.id}" was aborted; the source stays.`,
        'Nothing to clean up: the source is the index in use.',
      );
    // Left by a process that died after it was asked to pause: this command is a new run.
    await clearSignal(store.dir, 'pause');
    await execute(plan, state, store, flags, 'cleanup');
  });
}

/** An abort stopped part-way has undone some of Ferry's changes: only finishing it leads anywhere safe. */
function refuseAborting(state: MigrationState): void {
  if (state.status === 'aborting')
    throw new ConfigError(
      `Migration "${state.id}" is being aborted (an abort started and stopped with ${state.undo.length} change(s) still to undo).`,
      `Finish it with: ferry abort --id ${state.id}   (the same command again; then ferry run starts it anew)`,
    );
}

function existingMigration(plan: Plan, previous: MigrationState): ConfigError {
  refuseAborting(previous);
  const next =
    previous.status === 'done'
      ? `It is done: see ferry report --id ${plan.id}. To move it again, give a new --id, or drop the old record with ferry forget --id ${plan.id}.`
      : `Continue it with: ferry resume --id ${plan.id}   (or undo it with ferry abort --id ${plan.id}, or give a new --id)`;
  return new ConfigError(
    `Migration "${plan.id}" already exists in ${plan.stateDir} (${previous.status}).`,
    next,
  );
}

function publicPlanTuning(plan: Plan): Record<string, unknown> {
  return {
    quietSeconds: plan.quietSeconds,
    reconcileSeconds: plan.reconcileSeconds,
    writeBlock: plan.writeBlock,
    hooks: plan.hooks,
  };
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
  command: string,
): Promise<void> {
  const runFlags = runFlagsFor(flags, state, new Date());
  await executeSteps({
    plan,
    state,
    store,
    runFlags,
    progress: progressFor(flags),
    command,
    json: !!flags.json,
  });
}
