// Fires the plan's hooks for one running migration: builds the facts from the state, runs the command,
// records the run in `results.hooks`, and throws HookFailedError when a gate's hook fails.
import type { Progress } from '../core/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import {
  type HookEvent,
  type HookFacts,
  HookFailedError,
  type HookRecord,
  type Hooks,
  hookEnv,
  isGate,
  runCommand,
} from './hooks.js';

const MAX_RECORDS = 200;

export interface HookRunnerInput {
  hooks: Hooks;
  state: MigrationState;
  save(): Promise<void>;
  progress: Progress;
  stateDir: string;
  clusters: { source: string; dest: string };
}

export type FireHook = (
  event: HookEvent,
  phase: string,
  extra?: Record<string, string | number>,
) => Promise<void>;

export function hookRunner(input: HookRunnerInput): FireHook {
  return async (event, phase, extra) => {
    const command = input.hooks[event];
    if (!command) return;
    const { state } = input;
    const facts: HookFacts = {
      id: state.id,
      strategy: state.strategy,
      phase,
      status: state.status,
      sourceIndex: String(state.plan.sourceIndex ?? ''),
      destIndex: String(state.plan.destIndex ?? ''),
      sourceCluster: input.clusters.source,
      destCluster: input.clusters.dest,
      stateDir: input.stateDir,
      ...(extra ? { extra } : {}),
    };
    input.progress.info(`hook ${event}${phase ? ` (${phase})` : ''}: ${command}`, { hook: event });
    const started = Date.now();
    const exitCode = await runCommand(command, hookEnv(event, facts, process.env));
    const record: HookRecord = {
      event,
      phase,
      command,
      at: new Date(started).toISOString(),
      ms: Date.now() - started,
      exitCode,
      ok: exitCode === 0,
    };
    const records = state.results.hooks ?? [];
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    state.results.hooks = records;
    await input.save();
    if (record.ok) return;
    if (isGate(event)) throw new HookFailedError(record);
    input.progress.warn(`the ${event} hook failed (exit ${String(exitCode)}): ${command}`);
  };
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../state/migration-state.js' {
  interface MigrationResults {
    /** Every hook run, in order. */
    hooks?: HookRecord[];
  }
}
