// The signal handler's decisions, with real signals to this process and a recorded exit instead of a real one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onInterrupt, stopGraceMs } from '../../src/cli/interrupt.js';

function harness(graceMs: number) {
  const events: string[] = [];
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const handle = onInterrupt(
    {
      requestStop: async () => void events.push('requestStop'),
      stopNow: async () => void events.push('stopNow'),
      say: (m) => events.push(`say: ${m}`),
    },
    graceMs,
    (code) => exited(code),
  );
  // The handler's timer is unref'd (it must not keep ferry alive); the test keeps the loop alive itself.
  // A failed assertion must not leave it running (the file would never end): `remove` clears it too.
  const keepAlive = setInterval(() => {}, 1000);
  void exit.finally(() => clearInterval(keepAlive));
  const remove = () => {
    clearInterval(keepAlive);
    handle.remove();
  };
  return { events, exit, handle: { ...handle, remove } };
}

/** Signals arrive asynchronously; on a loaded machine 20 ms is not always enough, so wait for the effect. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

describe('onInterrupt', () => {
  it('first signal asks for a stop at the next checkpoint; a second one stops at once', async () => {
    const { events, exit, handle } = harness(60_000);
    try {
      process.kill(process.pid, 'SIGINT');
      await until(() => events.includes('requestStop'));
      assert.deepEqual(
        events.filter((e) => !e.startsWith('say')),
        ['requestStop'],
      );
      assert.ok(handle.interrupted());
      process.kill(process.pid, 'SIGINT');
      assert.equal(await exit, 130);
      assert.deepEqual(
        events.filter((e) => !e.startsWith('say')),
        ['requestStop', 'stopNow'],
      );
      assert.ok(events.some((e) => /SIGINT again: stopping now/.test(e)));
    } finally {
      handle.remove();
    }
  });

  it('stops at once when no checkpoint comes within the grace period', async () => {
    const { events, exit, handle } = harness(50);
    try {
      process.kill(process.pid, 'SIGTERM');
      assert.equal(await exit, 130);
      assert.ok(events.some((e) => /no checkpoint within the grace period/.test(e)));
    } finally {
      handle.remove();
    }
  });

  it('reads the grace period from FERRY_STOP_GRACE_SECONDS', () => {
    assert.equal(stopGraceMs({}), 15_000);
    assert.equal(stopGraceMs({ FERRY_STOP_GRACE_SECONDS: '0' }), 0);
    assert.equal(stopGraceMs({ FERRY_STOP_GRACE_SECONDS: 'x' }), 15_000);
  });
});
