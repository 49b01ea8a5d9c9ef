// The cutover's state machine (sync/cutover.ts): its phases follow the switch record, and a round moves it on only
// after a delete scan that reached the positions; rolling refines once, fenced announces at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  afterRound,
  announce,
  cutoverDone,
  cutoverPhase,
  refine,
  type SwitchRecord,
  switchGatePassed,
} from '../../src/sync/cutover.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('cutover', () => {
  it('rolling: capturing, draining, refining (positions up to where the source stands), clients moving, done when quiet', () => {
    assert.equal(cutoverPhase(undefined), 'capturing');
    assert.equal(afterRound(undefined, { scanned: true, marks: { 0: 9 } }), 'none');
    const sw: SwitchRecord = { requestedAt: at(0).toISOString(), positions: { 0: 10, 1: 4 } };
    assert.equal(cutoverPhase(sw), 'draining');
    assert.equal(afterRound(sw, { scanned: true, marks: { 0: 10, 1: 3 } }), 'none', 'shard 1 not reached');
    assert.equal(
      afterRound(sw, { scanned: false, marks: { 0: 10, 1: 4 } }),
      'none',
      'no delete scan this round',
    );
    assert.equal(afterRound(sw, { scanned: true, marks: { 0: 11, 1: 4 } }), 'refine');
    refine(sw, { 0: 15, 1: 6 });
    assert.equal(cutoverPhase(sw), 'refining');
    assert.equal(
      afterRound(sw, { scanned: true, marks: { 0: 11, 1: 4 } }),
      'none',
      'refined positions not reached',
    );
    assert.equal(afterRound(sw, { scanned: true, marks: { 0: 15, 1: 6 } }), 'announce');
    announce(sw, at(3));
    assert.equal(cutoverPhase(sw), 'clients-moving');
    assert.equal(sw.pauseMs, undefined, 'rolling blocks nothing');
    assert.equal(afterRound(sw, { scanned: true, marks: { 0: 20, 1: 9 } }), 'none');
    assert.equal(
      cutoverDone(sw, { quiet: false, drained: true }),
      false,
      'clients still write to the source',
    );
    assert.equal(cutoverDone(sw, { quiet: true, drained: false }), false);
    assert.equal(cutoverDone(sw, { quiet: true, drained: true }), true);
  });

  it('fenced: announces once the blocked positions are reached, measures the pause, and is done at once', () => {
    const sw: SwitchRecord = {
      requestedAt: at(0).toISOString(),
      blockedAt: at(1).toISOString(),
      positions: { 0: 7 },
    };
    assert.equal(cutoverDone(sw, { quiet: true, drained: true }), false);
    assert.equal(afterRound(sw, { scanned: true, marks: { 0: 7 } }), 'announce');
    announce(sw, at(3));
    assert.equal(sw.pauseMs, 2000);
    assert.equal(cutoverDone(sw, { quiet: false, drained: false }), true);
  });

  it('a switch waits while postponed, and for a caught_up hook to pass', () => {
    assert.equal(switchGatePassed({ postponed: false, caughtUpHook: false, readyAt: undefined }), true);
    assert.equal(switchGatePassed({ postponed: true, caughtUpHook: false, readyAt: 't' }), false);
    assert.equal(switchGatePassed({ postponed: false, caughtUpHook: true, readyAt: undefined }), false);
    assert.equal(switchGatePassed({ postponed: false, caughtUpHook: true, readyAt: 't' }), true);
  });
});
