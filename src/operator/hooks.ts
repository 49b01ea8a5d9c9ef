// Operator hooks (gh-ost style): a shell command per event, run with the migration's facts in FERRY_*
// variables. A hook before an irreversible step is a gate: when it fails, the migration stops there (the step
// is recorded failed, `ferry resume` runs the hook again). `done` and `failure` only report.
import { spawn } from 'node:child_process';
import { FerryError } from '../core/errors.js';

export const HOOK_EVENTS = ['start', 'phase', 'caught_up', 'move_clients', 'done', 'failure'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
export type Hooks = Partial<Record<HookEvent, string>>;

/** Events after which nothing irreversible is left to stop: their hook's failure is reported, not obeyed. */
const REPORT_ONLY: ReadonlySet<HookEvent> = new Set(['done', 'failure']);

/** A hook longer than this is stopped and counts as failed: a gate must not hang a migration for ever. */
const HOOK_TIMEOUT_MS = 10 * 60 * 1000;

/** What a hook is told: never a credential, never a URL (which may carry one). */
export interface HookFacts {
  id: string;
  strategy: string;
  /** The step running (or about to run) when the event fired. */
  phase: string;
  status: string;
  sourceIndex: string;
  destIndex: string;
  sourceCluster: string;
  destCluster: string;
  stateDir: string;
  /** Event-specific extras, e.g. the lag at caught_up or the error at failure. */
  extra?: Record<string, string | number>;
}

/** One hook run, as recorded in the state and the report. */
export interface HookRecord {
  event: HookEvent;
  phase: string;
  command: string;
  at: string;
  ms: number;
  exitCode: number | null;
  ok: boolean;
}

export class HookFailedError extends FerryError {
  constructor(readonly record: HookRecord) {
    super(
      `The ${record.event} hook failed (${record.exitCode === null ? 'killed or timed out' : `exit ${record.exitCode}`}) before ${record.phase}: ${record.command}`,
      `Fix what the hook checks (or the hook), then run: ferry resume (the hook runs again; nothing after it was started)`,
    );
  }
}

export function isGate(event: HookEvent): boolean {
  return !REPORT_ONLY.has(event);
}

/**
 * The hook's environment: the operator's own, without any FERRY_* variable (those carry the cluster
 * credentials), plus the facts.
 */
export function hookEnv(event: HookEvent, facts: HookFacts, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = withoutFerryVariables(base);
  Object.assign(env, {
    FERRY_EVENT: event,
    FERRY_ID: facts.id,
    FERRY_STRATEGY: facts.strategy,
    FERRY_PHASE: facts.phase,
    FERRY_STATUS: facts.status,
    FERRY_SOURCE_INDEX: facts.sourceIndex,
    FERRY_DEST_INDEX: facts.destIndex,
    FERRY_SOURCE_CLUSTER: facts.sourceCluster,
    FERRY_DEST_CLUSTER: facts.destCluster,
    FERRY_STATE_DIR: facts.stateDir,
  });
  for (const [k, v] of Object.entries(facts.extra ?? {}))
    env[`FERRY_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] = String(v);
  return env;
}

/** The operator's environment less every FERRY_* variable: the cluster credentials live there. */
export function withoutFerryVariables(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('FERRY_')) env[k] = v;
  return env;
}

/** Runs one command in a shell; its output goes to Ferry's stderr so stdout stays Ferry's own messages. */
export function runCommand(
  command: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = HOOK_TIMEOUT_MS,
): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 2, 2], env });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
