// A migration run by another live process is busy, not failed: a typed error, and exit code 3 from the CLI.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { newState } from '../../src/state/migration-state.js';
import { LockHeldError, RunLock } from '../../src/state/run-lock.js';
import { StateStore } from '../../src/state/state-store.js';

// The parent process (the test runner) is alive and is not this process: it stands for another ferry.
const OTHER = process.ppid;

describe('the run lock', () => {
  const saved = process.exitCode;
  afterEach(() => {
    process.exitCode = saved;
  });

  it('held by another live process: LockHeldError naming its pid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-lock-'));
    await writeFile(join(dir, 'run.lock'), String(OTHER));
    const error = await RunLock.acquire(dir).then(
      () => assert.fail('the lock was taken from a live process'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof LockHeldError);
    assert.equal(error.pid, OTHER);
    assert.equal(
      error.message,
      `busy: another ferry process runs this migration (it is already being run by process ${OTHER}).`,
    );
    assert.match(error.hint, /^Nothing was done\./);
    assert.equal(await readFile(join(dir, 'run.lock'), 'utf8'), String(OTHER), 'the lock was left alone');
  });

  it('left by a process that is gone: taken over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-lock-'));
    await writeFile(join(dir, 'run.lock'), '2147483646');
    const lock = await RunLock.acquire(dir);
    assert.equal(await readFile(join(dir, 'run.lock'), 'utf8'), String(process.pid));
    await lock.release();
  });

  it('the CLI exits 3 (busy), not 1 (a failed step), and changes nothing', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'ferry-lock-'));
    const store = new StateStore(stateDir, 'orders');
    const state = newState('orders', 'live', {}, ['backfill'], new Date());
    state.status = 'done';
    await store.save(state);
    await writeFile(join(store.dir, 'run.lock'), String(OTHER));
    const code = await main(['node', 'ferry', 'forget', '--id', 'orders', '--state-dir', stateDir]);
    assert.equal(code, 3);
    assert.equal((await store.load())?.status, 'done', 'the record was kept');
  });
});
