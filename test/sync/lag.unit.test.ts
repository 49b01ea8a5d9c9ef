// Lag: the age of the oldest write and of the oldest delete not yet on the dest, and the bounded summaries of
// those ages (p50/p99/max) that the state keeps however long the migration runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSample, emptyDistribution, type LagClock, lagNow, quantileMs } from '../../src/sync/lag.js';

describe('lag', () => {
  it('a delete is late until a scan covers it, a write until the marks pass it', () => {
    const clock: LagClock = { reachedAt: 0 };
    // t=1000: the source is at 10; nothing applied yet.
    let lag = lagNow(clock, { 0: 5 }, { 0: 10 }, 1000);
    assert.deepEqual(lag.writes, { ops: 5, ageMs: 1000 });
    assert.deepEqual(lag.deletes, { ops: 11, ageMs: 1000 });
    // t=1500: capture reached 10 (seen at 1000); the source moved to 12; no scan yet.
    lag = lagNow(clock, { 0: 10 }, { 0: 12 }, 1500);
    assert.deepEqual(lag.writes, { ops: 2, ageMs: 500 });
    assert.deepEqual(lag.deletes, { ops: 13, ageMs: 1500 });
    // t=2000: a scan covered 12; all applied.
    clock.scannedMarks = { 0: 12 };
    lag = lagNow(clock, { 0: 12 }, { 0: 12 }, 2000);
    assert.deepEqual(lag, { writes: { ops: 0, ageMs: 0 }, deletes: { ops: 0, ageMs: 0 } });
    assert.deepEqual(clock.pendingSamples, []);
  });

  it('p50/p99/max within 15% from a summary of a few dozen buckets', () => {
    const d = emptyDistribution();
    for (let i = 1; i <= 100_000; i++) addSample(d, i % 1000 === 0 ? 30_000 : (i % 100) * 10);
    assert.equal(d.count, 100_000);
    assert.equal(d.maxMs, 30_000);
    const p50 = quantileMs(d, 0.5);
    assert.ok(p50 >= 490 && p50 <= 500 * 1.15, `p50 ${p50}`);
    const p99 = quantileMs(d, 0.99);
    assert.ok(p99 >= 980 && p99 <= 990 * 1.15, `p99 ${p99}`);
    assert.equal(quantileMs(d, 1), 30_000);
    assert.ok(JSON.stringify(d).length < 1500, `${JSON.stringify(d).length} characters`);
  });
});
