// The write gate's limits with a fake clock: rate, bulk size, concurrency, and the health slow-down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRequest } from '../../src/operator/controls.js';
import { WriteGate } from '../../src/operator/write-gate.js';

function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('WriteGate', () => {
  it('spreads documents at the rate and changes it at once', async () => {
    const t = fakeTime();
    const gate = new WriteGate(t.clock, t.sleep);
    gate.setLimits({ maxDocsPerSecond: 100 });
    assert.equal(gate.maxBulkDocs(), 20);
    for (let i = 0; i < 5; i++) await (await gate.acquire(20, 100))();
    assert.equal(t.clock(), 800);
    gate.setLimits({ maxDocsPerSecond: 1000 });
    for (let i = 0; i < 5; i++) await (await gate.acquire(20, 100))();
    // The slot booked at the old rate still holds (one bulk, at most a fifth of a second), then 20 ms each.
    assert.equal(t.clock(), 1080);
    gate.setLimits({});
    assert.equal(gate.maxBulkDocs(), Number.POSITIVE_INFINITY);
  });

  it('holds bulks beyond the concurrency until one is released', async () => {
    const gate = new WriteGate();
    gate.setLimits({ concurrency: 1 });
    const first = await gate.acquire(1, 1);
    let second = false;
    const waiting = gate.acquire(1, 1).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(second, false);
    await first();
    await (await waiting)();
    assert.equal(second, true);
  });

  it('slowed down, waits the bulk time scaled by the factor', async () => {
    const t = fakeTime();
    const gate = new WriteGate(t.clock, t.sleep);
    gate.setSlowdown(0.25);
    const release = await gate.acquire(10, 10);
    t.advance(100);
    await release();
    assert.deepEqual(t.slept, [300]);
  });
});

describe('applyRequest', () => {
  it('records what changed; null lifts a limit', () => {
    const { next, changes } = applyRequest(
      { maxDocsPerSecond: 100, concurrency: 2 },
      { at: 't', by: 'ferry set', set: { maxDocsPerSecond: null, concurrency: 2, postponeSwitch: true } },
    );
    assert.deepEqual(next, { maxDocsPerSecond: undefined, concurrency: 2, postponeSwitch: true });
    assert.deepEqual(
      changes.map((c) => [c.key, c.from, c.to]),
      [
        ['maxDocsPerSecond', 100, null],
        ['postponeSwitch', null, true],
      ],
    );
  });
});
