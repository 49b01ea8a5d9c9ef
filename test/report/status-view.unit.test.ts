// ferry status in words: the phase, each step's progress with rate and ETA, lag now and max, conflicts, the
// source write block and the next command; readable after hours of capture rounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStatus, statusView } from '../../src/report/status-view.js';
import { type MigrationState, newState } from '../../src/state/migration-state.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const STEPS = ['preflight', 'create_dest_index', 'backfill', 'sync', 'final_verification', 'cleanup'];

function liveState(): MigrationState {
  const s = newState(
    'orders-to-orders',
    'live',
    { source: 'http://old:9200', dest: 'http://new:9200', sourceIndex: 'orders', destIndex: 'orders' },
    STEPS,
    new Date('2026-01-01T11:00:00Z'),
  );
  for (const name of ['preflight', 'create_dest_index'])
    s.steps[name] = {
      status: 'done',
      attempts: 1,
      data: {},
      startedAt: '2026-01-01T11:00:00Z',
      finishedAt: '2026-01-01T11:00:01Z',
    };
  return s;
}

describe('ferry status view', () => {
  it('a running backfill: counts, percent, rate and ETA from the saved progress', () => {
    const s = liveState();
    s.steps.backfill = {
      status: 'running',
      attempts: 1,
      startedAt: '2026-01-01T11:58:00Z',
      data: {
        total: 100_000,
        progress: {
          read: 40_000,
          at: '2026-01-01T11:59:58Z',
          attemptRead: 0,
          attemptAt: '2026-01-01T11:59:18Z',
        },
      },
    };
    const text = renderStatus(statusView(s, { now: NOW, runner: { pid: 1, alive: true } })).join('\n');
    assert.match(text, /^migration orders-to-orders \(live\): running$/m);
    assert.match(text, /phase: copying every document \(backfill\) \(step 3\/6 backfill\)/);
    assert.match(text, /running\s+backfill\s+40000\/100000 docs \(40\.0%\), 1000 docs\/s, ETA 1m00s/);
    assert.match(text, /source write block: off/);
    assert.match(text, /next:\n {2}wait \(ferry status --id orders-to-orders again\), or ferry pause/);
  });

  it('caught up: lag now and max from 2,000 samples in one short line, conflicts, and ferry switch next', () => {
    const s = liveState();
    s.steps.backfill = { status: 'done', attempts: 1, data: { read: 500, total: 500 } };
    s.steps.sync = { status: 'running', attempts: 1, data: { rounds: 2000 } };
    s.results.readyAt = '2026-01-01T11:30:00Z';
    s.results.lag = Array.from({ length: 2000 }, (_, i) => ({
      at: new Date(NOW.getTime() - (2000 - i) * 1000).toISOString(),
      ops: i % 97,
      seconds: (i % 13) / 2,
      deletes: (i % 7) / 2,
    }));
    const view = statusView(s, {
      now: NOW,
      runner: { pid: 1, alive: true },
      ledger: { client: 2, conflicts: 3, written: 500, deleted: 0 },
    });
    const lines = renderStatus(view);
    const lag = lines.find((l) => l.startsWith('lag:'));
    assert.match(
      lag ?? '',
      /^lag: now \d+ operations \/ [\d.]+ s; max 96 \/ 6\.0 s \(last 2000 rounds\); deletes now [\d.]+ s, max 3\.0 s$/,
    );
    assert.ok(
      lines.every((l) => l.length < 200),
      lines.join('\n'),
    );
    const text = lines.join('\n');
    assert.match(text, /phase: caught up: capturing changes, waiting for `ferry switch`/);
    assert.match(text, /done\s+backfill\s+500 docs copied/);
    assert.match(
      text,
      /^conflicts: 3 \(a client's dest write won over a source change\), on 2 document\(s\)$/m,
    );
    assert.doesNotMatch(text, /owned by clients/);
    assert.match(text, /next:\n {2}ferry switch --id orders-to-orders/);
    assert.equal(view.lag?.maxOps, 96);
  });

  it('fenced after the switch: the write block is named, with what takes it off', () => {
    const s = liveState();
    s.plan.writeBlock = true;
    s.status = 'waiting';
    for (const n of ['backfill', 'sync', 'final_verification'])
      s.steps[n] = { status: 'done', attempts: 1, data: {} };
    s.steps.cleanup = {
      status: 'pending',
      attempts: 1,
      data: {
        waitingFor: 'delete-source',
        instructions: ['Run: ferry cleanup --id orders-to-orders --yes-delete-source'],
      },
    };
    s.undo.push({
      kind: 'restore-index-setting',
      side: 'source',
      index: 'orders',
      setting: 'index.blocks.write',
      previous: null,
      reason: 'write block for the final drain',
    });
    const text = renderStatus(statusView(s, { now: NOW })).join('\n');
    assert.match(text, /phase: waiting for you at step 6\/6 cleanup \(delete-source\)/);
    assert.match(
      text,
      /source write block: ON: Ferry blocked writes to orders \(write block for the final drain\)/,
    );
    assert.match(text, /next:\n {2}Run: ferry cleanup --id orders-to-orders --yes-delete-source/);
  });

  it('a failed step: the error first, then fix-and-resume or abort', () => {
    const s = liveState();
    s.status = 'failed';
    s.steps.backfill = { status: 'failed', attempts: 2, data: {}, error: 'dest rejected 3 documents' };
    const text = renderStatus(statusView(s, { now: NOW })).join('\n');
    assert.match(text, /^ {2}! backfill failed: dest rejected 3 documents$/m);
    assert.match(text, /^phase: failed at step 3\/6 backfill$/m);
    assert.match(text, /failed\s+backfill\s+2 attempts, error: dest rejected 3 documents/);
    assert.match(text, /next:\n {2}fix what the error says, then: ferry resume --id orders-to-orders/);
  });

  it('a step resumed after a wait took the time of its last attempt; the whole span is beside it', () => {
    const s = liveState();
    s.steps.cleanup = {
      status: 'done',
      attempts: 2,
      data: {},
      startedAt: '2026-01-01T11:00:00Z',
      attemptStartedAt: '2026-01-01T11:00:18Z',
      finishedAt: '2026-01-01T11:00:19Z',
    };
    const text = renderStatus(statusView(s, { now: NOW })).join('\n');
    assert.match(text, /done\s+cleanup\s+took 1s, 2 attempts over 19s$/m);
  });

  it('a run whose process is gone says so, and an abort stopped part-way says to run it again', () => {
    const s = liveState();
    s.steps.backfill = { status: 'running', attempts: 1, data: {} };
    const gone = renderStatus(statusView(s, { now: NOW, runner: { pid: 4242, alive: false } })).join('\n');
    assert.match(gone, /! the state says running but process 4242 is gone/);
    assert.match(gone, /next:\n {2}ferry resume --id orders-to-orders/);
    s.status = 'aborting';
    s.undo.push({ kind: 'delete-index', side: 'dest', index: 'orders', reason: 'created' });
    const aborting = renderStatus(statusView(s, { now: NOW })).join('\n');
    assert.match(aborting, /phase: aborting, stopped part-way: 1 change\(s\) still to undo/);
    assert.match(aborting, /next:\n {2}ferry abort --id orders-to-orders/);
  });
});
