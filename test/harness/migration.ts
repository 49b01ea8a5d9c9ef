// One migration as the tests drive it: its arguments, its state folder, and the start-and-wait sequence.
// Every test that runs `ferry run` builds its arguments here, so a flag changes in one place.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationState } from '../../src/state/migration-state.js';
import type { TestClusters } from './context.js';
import { uniqueName } from './context.js';
import { type CliResult, type RunningFerry, runFerry, startFerry } from './ferry-cli.js';
import { waitForState } from './migration-state.js';

export interface MigrationOptions {
  strategy?: 'live' | 'two-pass';
  /** live: drain once the source had no write for this long (default 2). */
  quietSeconds?: number;
  /** live: how often deletes are reconciled while catching up (left to Ferry when unset). */
  reconcileSeconds?: number;
  /** two-pass: register a fresh snapshot repository in the bed's shared directory. */
  repository?: boolean;
  extraArgs?: string[];
}

export interface Migration {
  index: string;
  id: string;
  stateDir: string;
  /** The arguments of `ferry run` after the command name. */
  runArgs: string[];
  /** --id, --state-dir and --quiet: what every later command (switch, resume, cleanup, report) needs. */
  stateArgs: string[];
}

export async function newMigration(
  c: TestClusters,
  index: string,
  o: MigrationOptions = {},
): Promise<Migration> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-state-'));
  const id = `${index}-to-${index}`;
  const strategy = o.strategy ?? 'live';
  const runArgs = [
    ...(strategy === 'two-pass' ? ['--strategy', 'two-pass'] : []),
    '--source-url',
    c.sourceUrl,
    '--dest-url',
    c.destUrl,
    '--source-index',
    index,
    ...(strategy === 'live' ? ['--quiet-seconds', String(o.quietSeconds ?? 2)] : []),
    ...(o.reconcileSeconds === undefined ? [] : ['--reconcile-seconds', String(o.reconcileSeconds)]),
    ...(o.repository
      ? ['--repository', uniqueName('repo'), '--repository-location', join(c.repoDir, uniqueName('loc'))]
      : []),
    '--state-dir',
    stateDir,
    '--quiet',
    ...(o.extraArgs ?? []),
  ];
  return { index, id, stateDir, runArgs, stateArgs: ['--id', id, '--state-dir', stateDir, '--quiet'] };
}

/** `ferry run` in the background (tests steer it while it goes). */
export function startRun(m: Migration, env: Record<string, string> = {}, extra: string[] = []): RunningFerry {
  return startFerry(['run', ...m.runArgs, ...extra], env);
}

/** A later command on the same migration: switch, resume, cleanup, status, report, abort. */
export function ferryOn(
  m: Migration,
  command: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runFerry([command, ...m.stateArgs, ...extra], env);
}

export function startOn(
  m: Migration,
  command: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): RunningFerry {
  return startFerry([command, ...m.stateArgs, ...extra], env);
}

/** Waits until the live sync has caught up (`results.readyAt`). */
export function waitUntilReady(
  m: Migration,
  timeoutMs?: number,
  allowFailed = false,
  running?: RunningFerry,
): Promise<MigrationState> {
  return waitForState(
    m.stateDir,
    m.id,
    (s) => typeof s.results.readyAt === 'string',
    timeoutMs,
    allowFailed,
    running,
  );
}
