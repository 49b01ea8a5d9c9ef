// The final report: a step resumed after a wait says how long its last attempt took, not only the span; the
// ledger's count of client-owned documents is named so that it does not contradict the verification's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeLedger, renderReport } from '../../src/report/final-report.js';
import { describeStepTime } from '../../src/report/step-time.js';
import { type MigrationState, newState } from '../../src/state/migration-state.js';

function doneState(): MigrationState {
  const s = newState(
    'orders-to-orders',
    'live',
    { source: 'http://old:9200', dest: 'http://new:9200', sourceIndex: 'orders', destIndex: 'orders' },
    ['backfill', 'cleanup'],
    new Date('2026-01-01T11:00:00Z'),
  );
  s.status = 'done';
  s.steps.backfill = {
    status: 'done',
    attempts: 1,
    data: {},
    startedAt: '2026-01-01T11:00:00Z',
    attemptStartedAt: '2026-01-01T11:00:00Z',
    finishedAt: '2026-01-01T11:01:05Z',
  };
  // Entered once to wait at the cleanup gate, once more to run: one call of 1 s, 19 s after the first.
  s.steps.cleanup = {
    status: 'done',
    attempts: 2,
    data: {},
    startedAt: '2026-01-01T11:02:00Z',
    attemptStartedAt: '2026-01-01T11:02:18Z',
    finishedAt: '2026-01-01T11:02:19Z',
  };
  s.results.sync = {
    rounds: 12,
    conflictsFile: '/tmp/conflicts.ndjson',
    conflicts: 0,
    ledger: { docs: 500, written: 490, deleted: 10, client: 0, conflicts: 0 },
  };
  return s;
}

describe('final report', () => {
  it('a resumed step: the time of its last attempt, then the attempts and the whole span', () => {
    const text = renderReport(doneState());
    assert.match(text, /^ {2}done {5}cleanup\s+1s, 2 attempts over 19s$/m);
    assert.match(text, /^ {2}done {5}backfill\s+1m05s$/m);
    assert.doesNotMatch(text, /19s \(2 attempts\)/);
  });

  it('a state saved before the last attempt was timed says the span is over the attempts', () => {
    const { attemptStartedAt: _old, ...step } = doneState().steps.cleanup!;
    assert.equal(describeStepTime(step), '19s over 2 attempts');
    assert.equal(describeStepTime({ status: 'failed', attempts: 3, data: {} }), '3 attempts');
  });

  it('names what the ledger counts: source changes not applied, not documents clients wrote', () => {
    const text = renderReport(doneState());
    assert.match(
      text,
      /^ledger: documents 500, written by Ferry 490, deleted by Ferry 10, source changes not applied \(client owned the document\): 0$/m,
    );
    assert.doesNotMatch(text, /ledger: .*client 0/);
    assert.match(
      describeLedger({ docs: 1, client: 1, extra: 2 }),
      /\(client owned the document\): 1, extra 2$/,
    );
  });
});
