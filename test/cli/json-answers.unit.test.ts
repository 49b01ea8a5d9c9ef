// With --json, switch, pause and cleanup answer with one JSON object on stdout ({id, command, status, message});
// without it, the same sentence as before. Runs the real CLI on a saved state: no cluster is needed.
import assert from 'node:assert/strict';
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPlan, publicPlan } from '../../src/plan/options.js';
import { newState } from '../../src/state/migration-state.js';
import { StateStore } from '../../src/state/state-store.js';
import { runFerry } from '../harness/ferry-cli.js';

async function savedMigration(
  results: Record<string, unknown> = {},
): Promise<{ args: string[]; store: StateStore }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-json-'));
  const store = new StateStore(stateDir, 'orders');
  // Ports nothing listens on: none of these commands connects.
  const plan = loadPlan(
    {
      sourceUrl: 'http://127.0.0.1:9',
      destUrl: 'http://127.0.0.1:9',
      sourceIndex: 'orders',
      id: 'orders',
      stateDir,
    },
    {},
  );
  const state = newState('orders', 'live', publicPlan(plan), ['sync'], new Date());
  Object.assign(state.results, results);
  await store.save(state);
  return { args: ['--id', 'orders', '--state-dir', stateDir], store };
}

/** stdout holds exactly one JSON object with the fields every answer has. */
function oneAnswer(stdout: string, command: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, stdout);
  const answer = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.equal(answer.id, 'orders');
  assert.equal(answer.command, command);
  assert.equal(typeof answer.status, 'string');
  assert.equal(typeof answer.message, 'string');
  return answer;
}

describe('--json answers', () => {
  it('pause of a migration no process runs: not-running, nothing raised', async () => {
    const { args } = await savedMigration();
    const res = await runFerry(['pause', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const answer = oneAnswer(res.stdout, 'pause');
    assert.equal(answer.status, 'not-running');
    assert.match(String(answer.message), /^migration orders is not running \(running\); nothing to pause/);
    const human = await runFerry(['pause', ...args]);
    assert.equal(human.stdout.trim(), answer.message);
  });

  it('pause of a running migration: pause-requested, with the pid that runs it', async () => {
    const { args, store } = await savedMigration();
    // This test's own process stands for the ferry that runs the migration.
    await writeFile(join(store.dir, 'run.lock'), String(process.pid));
    const res = await runFerry(['pause', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const answer = oneAnswer(res.stdout, 'pause');
    assert.equal(answer.status, 'pause-requested');
    assert.equal(answer.pid, process.pid);
    assert.equal(answer.message, 'pause requested for orders; continue later with: ferry resume --id orders');
    await access(join(store.dir, 'pause-requested'));
  });

  it('switch acknowledged: switched; a --run command writes to stderr, stdout keeps the one answer', async () => {
    const at = new Date().toISOString();
    const { args } = await savedMigration({ switchAcknowledgedAt: at, switchSyncedAt: at });
    const res = await runFerry(['switch', ...args, '--json', '--run', 'echo from-the-hook']);
    assert.equal(res.code, 0, res.stderr);
    const answer = oneAnswer(res.stdout, 'switch');
    assert.equal(answer.status, 'switched');
    assert.equal(answer.runExitCode, 0);
    assert.match(String(answer.message), /^switch done for orders: every source change made before/);
    assert.match(res.stderr, /from-the-hook/);
    const human = await runFerry(['switch', ...args]);
    assert.equal(human.stdout.trim(), answer.message);
  });

  it('switch not acknowledged in time: not-acknowledged, exit 1', async () => {
    const { args } = await savedMigration();
    const res = await runFerry(['switch', ...args, '--json', '--timeout', '0']);
    assert.equal(res.code, 1, res.stderr);
    const answer = oneAnswer(res.stdout, 'switch');
    assert.equal(answer.status, 'not-acknowledged');
    assert.match(String(answer.message), /Do not move the clients/);
  });

  it('cleanup that cannot start: refused, with the fix, exit 2', async () => {
    const { args } = await savedMigration();
    const res = await runFerry(['cleanup', ...args.map((a) => (a === 'orders' ? 'nope' : a)), '--json']);
    assert.equal(res.code, 2, res.stderr);
    const answer = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { id: answer.id, command: answer.command, status: answer.status, exitCode: answer.exitCode },
      { id: 'nope', command: 'cleanup', status: 'refused', exitCode: 2 },
    );
    assert.match(String(answer.message), /^No migration "nope"/);
    assert.match(String(answer.hint), /ferry list/);
  });
});
