// Runs a migration's steps under its lock, with Ctrl-C/SIGTERM turned into a clean stop, and prints what the
// operator does next. Shared by run, resume and cleanup.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterName } from '../../cluster/health.js';
import { clearOpenScrolls } from '../../cluster/open-scrolls.js';
import { closeOpenPointsInTime } from '../../cluster/read/read-context.js';
import type { Progress } from '../../core/progress.js';
import { startHealthThrottle } from '../../operator/health-throttle.js';
import { hookRunner } from '../../operator/hook-runner.js';
import { startRuntimeControls } from '../../operator/runtime-controls.js';
import type { Plan } from '../../plan/options.js';
import { writeHtmlReport } from '../../report/html-report.js';
import type { MigrationState } from '../../state/migration-state.js';
import { clearSignal, raiseSignal } from '../../state/operator-signal.js';
import { RunLock } from '../../state/run-lock.js';
import type { StateStore } from '../../state/state-store.js';
import type { RunFlags } from '../../steps/step.js';
import { readTestHooks } from '../../steps/test-hooks.js';
import { strategyFor } from '../../strategies/registry.js';
import { type RunnerResult, runSteps } from '../../strategies/step-runner.js';
import { type CommandOutcome, printOutcome } from '../command-outcome.js';
import { onInterrupt, stopGraceMs } from '../interrupt.js';
import { connectSaved } from '../session.js';

/** How long a stop at once waits for requests in flight before closing the read contexts they opened. */
const IN_FLIGHT_MS = 500;

export interface ExecuteInput {
  plan: Plan;
  state: MigrationState;
  store: StateStore;
  runFlags: RunFlags;
  progress: Progress;
  /** The command that runs the steps (`run`, `resume`, `cleanup`), for its answer. */
  command: string;
  /** Answer with one JSON object on stdout instead of sentences. */
  json: boolean;
}

export async function executeSteps(input: ExecuteInput): Promise<void> {
  const { plan, state, store, runFlags, progress } = input;
  const strategy = strategyFor(state.strategy);
  const sides = await connectSaved(plan, state);
  // The lock comes before the first save, so a second process never overwrites the state of a running one.
  await mkdir(store.dir, { recursive: true });
  const lock = await RunLock.acquire(store.dir);
  const interrupt = onInterrupt(
    {
      requestStop: () => raiseSignal(store.dir, 'pause'),
      stopNow: async () => {
        state.status = 'paused';
        state.results.stoppedAt = new Date().toISOString();
        await store.save(state);
        await store.freeze();
        // Searches already sent may still open a context: let their answers arrive so those are seen too.
        await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_MS));
        const [pits, scrolls] = await Promise.all([closeOpenPointsInTime(), clearOpenScrolls()]);
        if (pits + scrolls > 0)
          console.error(`closed ${pits} point-in-time and ${scrolls} scroll context(s) Ferry held`);
        await lock.release();
        console.error(nextSteps(plan.id, 'stopped'));
        if (input.json) printOutcome(stoppedOutcome(input), true);
      },
      say: (message) => console.error(`\n${message}`),
    },
    stopGraceMs(),
  );
  const controls = startRuntimeControls({
    dir: store.dir,
    state,
    save: () => store.save(state),
    progress,
    initial: plan.controls ?? {},
  });
  const throttle =
    state.strategy === 'live'
      ? startHealthThrottle({ source: sides.source, dest: sides.dest, gate: controls.gate, state, progress })
      : undefined;
  try {
    await controls.poll();
    await store.save(state);
    progress.info(
      `migration ${plan.id}: ${sides.source.label} ${plan.sourceIndex} -> ${sides.dest.label} ${plan.destIndex} (${plan.strategy}); state in ${store.dir}`,
    );
    const hook = hookRunner({
      hooks: plan.hooks ?? {},
      state,
      save: () => store.save(state),
      progress,
      stateDir: store.dir,
      clusters: { source: await clusterName(sides.source), dest: await clusterName(sides.dest) },
    });
    const result = await runSteps({
      hook,
      controls,
      steps: strategy.steps,
      plan,
      state,
      store,
      source: sides.source,
      dest: sides.dest,
      progress,
      flags: runFlags,
      testHooks: readTestHooks(),
    });
    await writeHtmlReport(state, join(store.dir, 'report.html')).catch((error: unknown) =>
      progress.warn(`could not write the HTML report: ${String(error)}`),
    );
    answer(input, result);
    if (interrupt.interrupted()) process.exitCode = 130;
  } finally {
    controls.stop();
    throttle?.stop();
    interrupt.remove();
    // A pause asked of this run ends with it: the next run must not stop at once because of it.
    await clearSignal(store.dir, 'pause');
    await lock.release();
    await sides.close();
  }
}

function nextSteps(id: string, what: string): string {
  return `migration ${id} ${what} (state: paused). Continue with: ferry resume --id ${id}   (or undo it: ferry abort --id ${id})`;
}

function answer(input: ExecuteInput, result: RunnerResult): void {
  const id = input.plan.id;
  const outcome: CommandOutcome = { id, command: input.command, status: result.status, message: '' };
  if (result.status === 'waiting') {
    const instructions = result.instructions ?? [];
    outcome.message = [`migration ${id} is waiting for you:`, ...instructions.map((l) => `  ${l}`)].join(
      '\n',
    );
    outcome.instructions = instructions;
  } else if (result.status === 'paused') {
    outcome.message = nextSteps(id, 'paused');
  } else {
    outcome.message = `migration ${id} is done. Details: ferry status --id ${id}`;
  }
  // The blank line sets the answer apart from the progress lines above it on a terminal.
  printOutcome(outcome, input.json, (text) => console.log(input.json ? text : `\n${text}`));
}

/** Stopped at once (a second Ctrl-C): the state says paused, as after a stop at a checkpoint. */
function stoppedOutcome(input: ExecuteInput): CommandOutcome {
  return {
    id: input.plan.id,
    command: input.command,
    status: 'paused',
    message: nextSteps(input.plan.id, 'stopped'),
  };
}
