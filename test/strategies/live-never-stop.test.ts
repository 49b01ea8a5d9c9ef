// Issue 12's acceptance: an application that never stops. It writes to the source without a pause, moves to the
// destination at one instant (during the backfill, after Ferry caught up but before `ferry switch`, or when
// `ferry switch` says so) and writes there through the drain, the final verification and `ferry cleanup`.
// In rolling and fenced mode, the destination must equal the application's oracle document by document except
// the documents Ferry listed in conflicts.ndjson, and Ferry's verdict must agree with the oracle both ways
// (a run that silently loses changes must fail). kill -9 at the new protocol's points, then resume: the same.
// FERRY_LIVE_SEEDS sets the seeds per mode and move (default 2 on the main pairs, 1 elsewhere).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import {
  liveScenario,
  type Move,
  type ScenarioOptions,
  type ScenarioResult,
} from '../harness/live-scenario.js';
import { assertNoProblems, count, summary } from '../harness/scenario-checks.js';

const PAIR = `${process.env.FERRY_TEST_SOURCE_ENGINE}:${process.env.FERRY_TEST_DEST_ENGINE}`;
const MAIN_PAIRS = ['opensearch-2:opensearch-2', 'elasticsearch-7:opensearch-2'];
const SEEDS = Number(process.env.FERRY_LIVE_SEEDS ?? (MAIN_PAIRS.includes(PAIR) ? 2 : 1));
const MOVES: Exclude<Move, 'paused-at-switch'>[] = ['during-backfill', 'before-switch', 'after-move-now'];
const MODES = ['rolling', 'fenced'] as const;
type Mode = (typeof MODES)[number];

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

function options(seed: number, mode: Mode, move: Exclude<Move, 'paused-at-switch'>): ScenarioOptions {
  return {
    seed,
    // The backfill must last long enough for the application to move while it runs.
    docs: move === 'during-backfill' ? 10000 : 500,
    rate: 60,
    sourceMs: 1000,
    destMs: 1000,
    move,
    fenced: mode === 'fenced',
    cleanup: true,
  };
}

describe('live migration, the application never stops', () => {
  MODES.forEach((mode, m) => {
    MOVES.forEach((move, v) => {
      for (let s = 0; s < SEEDS; s++) {
        const seed = 1000 + 100 * m + 10 * v + s;
        it(`${mode}, app moves ${move}, seed ${seed}: dest equals the oracle outside conflicts`, async (t) => {
          const result = await liveScenario(c, options(seed, mode, move));
          assertNeverStop(t, result, mode, move);
        });
      }
    });
  });
});

describe('live migration, never-stop application, killed with -9 and resumed', () => {
  const KILLS = ['sync:ledger-commit', 'sync:switch-recorded', 'cleanup:source-blocked'];
  KILLS.forEach((killAt, i) => {
    it(`rolling, app moves at move-now, kill at ${killAt}, resume: same assertions`, async (t) => {
      const result = await liveScenario(c, { ...options(2000 + i, 'rolling', 'after-move-now'), killAt });
      assert.ok(result.killed, `no Ferry process was killed at ${killAt}`);
      t.diagnostic(`killed: the ${result.killed} process`);
      assertNeverStop(t, result, 'rolling', 'after-move-now');
    });
  });
});

describe('live migration that silently loses changes (FERRY_TEST_LOSE_CHANGES)', () => {
  it('fails its final verification, and the oracle sees the loss too', async (t) => {
    const result = await liveScenario(c, {
      ...options(3000, 'rolling', 'before-switch'),
      // Many documents, so a skipped change is rarely repaired by a later write to the same document.
      docs: 2000,
      sourceMs: 2000,
      cleanup: false,
      runEnv: { FERRY_TEST_LOSE_CHANGES: '10' },
      expectRunFailure: true,
    });
    const unexplained = result.verification?.unexplained;
    t.diagnostic(`Ferry: ${unexplained} unexplained; oracle: ${summary(result.comparison.outside)}`);
    assert.ok((unexplained ?? 0) > 0, `Ferry said clean: ${JSON.stringify(result.verification)}`);
    assert.ok(
      count(result.comparison.outside) > 0,
      'the oracle saw no loss: the fault hook lost nothing visible',
    );
    assert.equal(
      await c.source.indexExists(result.index),
      true,
      'the source must stay after a failed verification',
    );
  });
});

function assertNeverStop(
  t: TestContext,
  r: ScenarioResult,
  mode: Mode,
  move: Exclude<Move, 'paused-at-switch'>,
): void {
  const { oracle, conflicts, outside, explained } = r.comparison;
  const ops = Object.values(r.report.ops).reduce((n, op) => n + op.succeeded, 0);
  const destWrites = r.report.history.filter((h) => h.side === 'dest').length;
  t.diagnostic(
    `${mode}/${move}: ${(r.durationMs / 1000).toFixed(1)} s, ${ops} client ops (${destWrites} writes on the dest), ` +
      `${oracle.checked} documents checked, ${conflicts.length} conflicts reported (${explained} oracle differences among them), ` +
      `${r.report.errors.length} client errors, ${r.report.divergences.length} divergences`,
  );
  if (r.disabled.length > 0) t.diagnostic(`left out on ${c.sourceEngine}: ${r.disabled.join(', ')}`);
  if (mode === 'fenced') t.diagnostic(`fenced switch: ${r.switchLine}`);
  if (move === 'during-backfill')
    assert.equal(r.movedDuringBackfill, true, 'the backfill ended before the application moved');
  assertNoProblems(outside, 'dest vs oracle outside the reported conflicts');
  assert.ok(oracle.checked >= 250, `only ${oracle.checked} documents were compared`);
  assert.equal(
    r.verification?.unexplained,
    0,
    `oracle clean but Ferry says ${JSON.stringify(r.verification)}`,
  );
  assert.ok(r.verification && 'clientOwned' in r.verification, 'results.verification.clientOwned is missing');
  if (mode === 'fenced' && move === 'after-move-now')
    assert.equal(
      conflicts.length,
      0,
      'fenced: the application moved after the drain, so nothing can conflict',
    );
  assertRefusalsExplained(t, r, mode, move);
  assert.equal(r.cleanup?.code, 0, 'ferry cleanup did not complete');
  assert.equal(r.sourceExistsAfter, false, 'the source index still exists after cleanup');
}

/**
 * Version conflicts the application sees on the destination. Fenced, moving after the drain: none at all. Any
 * other move leaves one window no protocol without a fence can close: a source change the application made just
 * before it moved, still on its way, meets the application's next write of the same document on the
 * destination (e.g. a create after a delete Ferry has not applied yet). A refusal is allowed only on such a
 * document: one the application changed on the source within WINDOW_MS before it moved.
 */
function assertRefusalsExplained(
  t: TestContext,
  r: ScenarioResult,
  mode: Mode,
  move: Exclude<Move, 'paused-at-switch'>,
): void {
  const refused = r.report.errors.filter((e) => e.side === 'dest' && e.status === 409);
  if (mode === 'fenced' && move === 'after-move-now') {
    assert.deepEqual(refused, [], 'fenced: the application saw version conflicts on the destination');
    return;
  }
  const WINDOW_MS = 5000;
  const movedAt = r.movedAt ?? Number.POSITIVE_INFINITY;
  // A source write still in flight when the application moved finishes on the source after the move.
  const late = (id: string | undefined, refusedAt: number) =>
    r.report.history.some(
      (h) => h.id === id && h.side === 'source' && h.at >= movedAt - WINDOW_MS && h.at <= refusedAt,
    );
  // Moving during the backfill, the application can also meet Ferry's first copy of a document it never wrote:
  // its read-modify-write (update, upsert) finds nothing, Ferry's create lands, and the write is refused.
  const copyRace = (id: string | undefined, refusedAt: number) =>
    move === 'during-backfill' && !r.report.history.some((h) => h.id === id && h.at <= refusedAt);
  const unexplained = refused.filter(
    (e) => e.id === undefined || !(late(e.id, e.at) || copyRace(e.id, e.at)),
  );
  const story = unexplained.map((e) => ({
    id: e.id,
    refusedAt: e.at - movedAt,
    history: r.report.history
      .filter((h) => h.id === e.id)
      .map(
        (h) => `${h.side} ${h.type} ${h.opId} at ${h.at - movedAt} ms ${h.source === null ? '(delete)' : ''}`,
      ),
  }));
  assert.deepEqual(
    unexplained,
    [],
    `${mode}: version conflicts on the destination on documents the application did not change on the source just before it moved: ${JSON.stringify(story)}`,
  );
  if (refused.length > 0)
    t.diagnostic(
      `${refused.length} dest 409(s), each on a document the application changed on the source within ${WINDOW_MS / 1000}s before it moved, or (moving during the backfill) one only Ferry's copy had written`,
    );
}
