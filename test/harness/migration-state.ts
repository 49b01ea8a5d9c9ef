// Reads a migration's saved state from a test, to wait for what the running process reports.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MigrationState } from '../../src/state/migration-state.js';
import type { CliResult, RunningFerry } from './ferry-cli.js';

export async function readState(stateDir: string, id: string): Promise<MigrationState | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, id, 'state.json'), 'utf8')) as MigrationState;
  } catch {
    return undefined;
  }
}

/** Polls the state until `ready` says yes; fails after `timeoutMs`, showing the last state. */
export async function waitForState(
  stateDir: string,
  id: string,
  ready: (s: MigrationState) => boolean,
  timeoutMs = 120_000,
  /** A failed state is not the end (the test resumes the migration when it stops). */
  allowFailed = false,
  /** The process expected to get there: once it has ended, waiting on is pointless. */
  running?: RunningFerry,
): Promise<MigrationState> {
  const deadline = Date.now() + timeoutMs;
  let last: MigrationState | undefined;
  let ended: CliResult | undefined;
  void running?.done.then((res) => {
    ended = res;
  });
  while (Date.now() < deadline) {
    last = await readState(stateDir, id);
    if (last && ready(last)) return last;
    if (last?.status === 'failed' && !allowFailed)
      throw new Error(`migration failed: ${JSON.stringify(last.steps)}`);
    if (ended) {
      // One more read: the process may have saved the awaited state just before it ended.
      last = await readState(stateDir, id);
      if (last && ready(last)) return last;
      const why = ended.stderr.trim().split('\n').slice(-8).join('\n');
      throw new Error(`ferry ended (exit ${ended.code ?? ended.signal}) before the awaited state:\n${why}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for the migration state; last: ${JSON.stringify(last?.steps)}`);
}
