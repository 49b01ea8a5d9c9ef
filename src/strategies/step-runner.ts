// Runs a strategy's flat list of steps in order, skipping those already done, saving state around each one,
// and stopping cleanly at gates, on pause, or on the first failure (the failed step is re-run on resume).
import type { ClusterClient } from '../cluster/client.js';
import type { Progress } from '../core/progress.js';
import { realSleep } from '../core/time.js';
import type { FireHook } from '../operator/hook-runner.js';
import type { RuntimeControls } from '../operator/runtime-controls.js';
import type { Plan } from '../plan/options.js';
import { MIGRATION_STATUS, type MigrationState, type MigrationStatus } from '../state/migration-state.js';
import { signalRaised } from '../state/operator-signal.js';
import type { StateStore } from '../state/state-store.js';
import { StepError } from '../steps/errors.js';
import type { RunFlags, Step, StepContext, StepOutcome } from '../steps/step.js';
import { killPoint, NO_TEST_HOOKS, type TestHooks } from '../steps/test-hooks.js';

export interface RunnerInput {
  steps: readonly Step[];
  plan: Plan;
  state: MigrationState;
  store: StateStore;
  source: ClusterClient;
  dest: ClusterClient;
  progress: Progress;
  flags: RunFlags;
  /** The operator's hooks (start, phase, done, failure here; the steps fire the others). */
  hook: FireHook;
  /** The operator's limits and switch postponement, changed at runtime by `ferry set`. */
  controls?: RuntimeControls;
  /** Where the test suite strikes (test-hooks.ts); none when absent. */
  testHooks?: TestHooks;
}

export interface RunnerResult {
  status: MigrationStatus;
  /** Set when stopped at a gate: what the operator must do. */
  instructions?: string[];
}

export async function runSteps(input: RunnerInput): Promise<RunnerResult> {
  const { state, store, progress } = input;
  state.status = MIGRATION_STATUS.running;
  await store.save(state);
  const first = input.steps.find((s) => state.steps[s.name]?.status !== 'done')?.name ?? '';
  await gate(input, 'start', first);
  for (const step of input.steps) {
    const record = state.steps[step.name];
    if (!record)
      throw new Error(`State has no record for step ${step.name}: was it made by another Ferry version?`);
    if (record.status === 'done') continue;
    if (await signalRaised(store.dir, 'pause')) return stop(input, MIGRATION_STATUS.paused);
    const skipped = step.skip?.(state);
    if (skipped !== undefined) {
      record.status = 'done';
      record.data.skipped = skipped;
      await store.save(state);
      progress.info(`step ${step.name} skipped: ${skipped}`, { step: step.name });
      continue;
    }
    record.status = 'running';
    record.attempts += 1;
    record.attemptStartedAt = new Date().toISOString();
    record.startedAt ??= record.attemptStartedAt;
    delete record.error;
    delete record.data.instructions;
    await store.save(state);
    progress.info(`step ${step.name}${record.attempts > 1 ? ` (resumed, attempt ${record.attempts})` : ''}`, {
      step: step.name,
    });
    const ctx = stepContext(input, step.name);
    let outcome: StepOutcome;
    try {
      await input.hook('phase', step.name);
      ctx.checkpoint('start');
      outcome = await step.run(ctx);
      if (outcome.kind === 'done') await step.verify(ctx);
    } catch (error) {
      record.status = 'failed';
      record.error = error instanceof Error ? error.message : String(error);
      state.status = MIGRATION_STATUS.failed;
      await store.save(state);
      await reportFailure(input, step.name, record.error);
      throw new StepError(step.name, error);
    }
    if (outcome.kind === 'wait') {
      record.status = 'pending';
      record.data.waitingFor = outcome.gate;
      // For `ferry status`, which shows them as the next thing to do.
      record.data.instructions = outcome.instructions;
      return stop(input, MIGRATION_STATUS.waiting, outcome.instructions);
    }
    if (outcome.kind === 'paused') return stop(input, MIGRATION_STATUS.paused);
    record.status = 'done';
    record.finishedAt = new Date().toISOString();
    await store.save(state);
    progress.info(`step ${step.name} done`, { step: step.name, event: 'step-done' });
    ctx.checkpoint('done');
  }
  state.status = MIGRATION_STATUS.done;
  await store.save(state);
  await input.hook('done', '');
  return { status: MIGRATION_STATUS.done };
}

/** A gate outside any step (the start hook): a failure leaves the migration failed, resumable. */
async function gate(input: RunnerInput, event: 'start', phase: string): Promise<void> {
  try {
    await input.hook(event, phase);
  } catch (error) {
    input.state.status = MIGRATION_STATUS.failed;
    await input.store.save(input.state);
    await reportFailure(input, phase, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** The failure hook only reports: its own failure must not hide the error that stopped the migration. */
async function reportFailure(input: RunnerInput, phase: string, error: string): Promise<void> {
  try {
    await input.hook('failure', phase, { error });
  } catch (hookError) {
    input.progress.warn(`the failure hook could not run: ${String(hookError)}`);
  }
}

async function stop(
  input: RunnerInput,
  status: MigrationStatus,
  instructions?: string[],
): Promise<RunnerResult> {
  input.state.status = status;
  await input.store.save(input.state);
  return instructions ? { status, instructions } : { status };
}

function stepContext(input: RunnerInput, stepName: string): StepContext {
  const { state, store } = input;
  const record = state.steps[stepName]!;
  return {
    plan: input.plan,
    source: input.source,
    dest: input.dest,
    progress: input.progress,
    flags: input.flags,
    state,
    data: record.data,
    save: () => store.save(state),
    recordUndo: async (action) => {
      state.undo.push(action);
      await store.save(state);
    },
    setResult: async (key, value) => {
      state.results[key] = value;
      await store.save(state);
    },
    pauseRequested: () => signalRaised(store.dir, 'pause'),
    switchSignalled: () => signalRaised(store.dir, 'switch'),
    hook: (event, extra) => input.hook(event, stepName, extra),
    ...(input.controls ? { controls: input.controls } : {}),
    testHooks: input.testHooks ?? NO_TEST_HOOKS,
    checkpoint: (point) => killPoint(input.testHooks ?? NO_TEST_HOOKS, `${stepName}:${point}`),
    sleep: realSleep,
    now: () => new Date(),
  };
}
