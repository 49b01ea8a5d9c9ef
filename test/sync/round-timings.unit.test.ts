// Round timings: each phase's time adds up within a round (summed phases across shards), and the state keeps
// only sums and maxima however many rounds run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addLate,
  addRound,
  describePhases,
  describeRoundShares,
  emptyPhaseSummary,
  type PhaseTimes,
  timed,
  timedSync,
} from '../../src/sync/round-timings.js';

describe('round timings', () => {
  it('adds the time of each call to its phase, also when the call throws', async () => {
    const times: PhaseTimes = {};
    await timed(times, 'captureRead', () => new Promise((r) => setTimeout(r, 20)));
    await timed(times, 'captureRead', () => new Promise((r) => setTimeout(r, 20)));
    assert.ok((times.captureRead ?? 0) >= 38, `captureRead ${times.captureRead}`);
    await assert.rejects(timed(times, 'confirm', () => Promise.reject(new Error('lost'))));
    assert.equal(typeof times.confirm, 'number');
    assert.equal(
      timedSync(times, 'scanLedger', () => 7),
      7,
    );
    assert.equal(await timed(undefined, 'refresh', async () => 'not measured'), 'not measured');
  });

  it('keeps sums and maxima per phase, and says where the rounds spent their time', () => {
    const summary = emptyPhaseSummary();
    for (let i = 1; i <= 1000; i++)
      addRound(summary, { refresh: 10, shards: i % 10 === 0 ? 500 : 50, round: 100 });
    addLate(summary, 'save', 30);
    assert.equal(summary.rounds, 1000);
    assert.equal(summary.totalMs.refresh, 10_000);
    assert.equal(summary.maxMs.shards, 500);
    assert.equal(summary.totalMs.round, 100_030);
    assert.equal(JSON.stringify(summary).length < 400, true, 'bounded in the state');
    const lines = describePhases(summary);
    assert.ok(
      lines.some((l) => l.startsWith('refresh: mean 10 ms, max 10 ms, 10% of round time')),
      lines.join('\n'),
    );
    assert.equal(describeRoundShares(summary), '1000 rounds, mean 100 ms: shards 95%, refresh 10%, save 0%');
    assert.ok(
      lines.some((l) => l.startsWith('shards: mean 95 ms, max 500 ms, 95% of round time')),
      lines.join('\n'),
    );
  });
});
