// The live strategy's acceptance test: a seeded workload with every operation type writes to the source
// through the whole migration, moves to the destination at a random moment, and at the end the destination
// must equal the workload's oracle document by document: 0 lost, 0 resurrected, 0 stale, 0 extra, and no
// client error caused by Ferry. FERRY_LIVE_SEEDS sets how many seeds; FERRY_SOAK=1 runs long and heavy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { assertNothingLost, liveScenario } from '../harness/live-scenario.js';

const SOAK = process.env.FERRY_SOAK === '1';
// Five seeds on the main pair; three on the others keeps the default suite inside 45 minutes (more: FERRY_LIVE_SEEDS).
const SEEDS = Number(
  process.env.FERRY_LIVE_SEEDS ??
    (process.env.FERRY_TEST_SOURCE_ENGINE === 'opensearch-2' &&
    process.env.FERRY_TEST_DEST_ENGINE === 'opensearch-2'
      ? 5
      : 3),
);

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('live migration under a mixed workload', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: dest equals the oracle, nothing lost, no client error from Ferry`, async (t) => {
      const docs = SOAK ? 5000 : 300;
      const result = await liveScenario(c, {
        seed,
        docs,
        rate: SOAK ? 200 : 60,
        sourceMs: SOAK ? 60_000 : 1000,
        destMs: SOAK ? 20_000 : 1000,
      });
      if (result.disabled.length > 0)
        t.diagnostic(`left out on ${c.sourceEngine}: ${result.disabled.join(', ')}`);
      assertNothingLost(result, docs);
      await assertSwitchAndSteadyLagReported(result.stateArgs);
      const ops = Object.values(result.report.ops).reduce((n, op) => n + op.succeeded, 0);
      t.diagnostic(
        `seed ${seed}: ${ops} successful client operations, ${result.comparison.oracle.checked} documents checked`,
      );
    });
  }
});

describe('live migration with --write-block', () => {
  it('blocks source writes for a bounded, measured drain; dest equals the oracle', async (t) => {
    const result = await liveScenario(c, {
      seed: 77,
      docs: 300,
      rate: 60,
      sourceMs: 1000,
      destMs: 1000,
      extraArgs: ['--write-block'],
    });
    assertNothingLost(result, 300);
    const report = await runFerry(['report', '--json', ...result.stateArgs]);
    const results = JSON.parse(report.stdout) as {
      sync?: { writeBlockMs?: number };
      switchToMoveMs?: number;
      writeBlockPauseMs?: number;
    };
    const sync = results.sync;
    assert.ok(
      sync?.writeBlockMs !== undefined && sync.writeBlockMs > 0,
      `no pause was measured: ${report.stdout}`,
    );
    // The block went on after `ferry switch` was seen: the wait for "move" holds the pause.
    assert.ok(
      results.switchToMoveMs !== undefined && results.switchToMoveMs >= sync.writeBlockMs,
      `switch-to-move ${results.switchToMoveMs} ms is not measured from the switch (pause ${sync.writeBlockMs} ms)`,
    );
    const text = await runFerry(['report', ...result.stateArgs]);
    assert.match(
      text.stdout,
      /^switch: \d+\.\d s from `ferry switch` to "move the clients now"; source writes blocked \d+\.\d s$/m,
    );
    const blocked = await c.source.getIndexSettings(result.index);
    assert.equal(blocked['index.blocks.write'], 'true', 'the source stays write-blocked after the drain');
    t.diagnostic(`write block (pause) lasted ${sync.writeBlockMs} ms`);
  });
});

/**
 * A rolling switch reports what the operator waited for, and the lag of the rounds after the dest first caught up
 * apart from the catch-up (in the report and in `ferry status`).
 */
async function assertSwitchAndSteadyLagReported(stateArgs: string[]): Promise<void> {
  const json = JSON.parse((await runFerry(['report', '--json', ...stateArgs])).stdout) as {
    switchToMoveMs?: number;
    writeBlockPauseMs?: number;
    catchUpMs?: number;
    lagSummary?: { writes: { count: number }; steady?: { writes: { count: number } } };
  };
  assert.ok(json.switchToMoveMs !== undefined && json.switchToMoveMs >= 0, 'no switch-to-move time');
  assert.equal(json.writeBlockPauseMs, undefined, 'a rolling switch blocks nothing');
  assert.ok(json.catchUpMs !== undefined && json.catchUpMs >= 0, 'no catch-up time');
  const steady = json.lagSummary?.steady?.writes.count ?? 0;
  // The rounds after caught up (the switch's own among them) are counted apart, and are fewer than all rounds.
  assert.ok(steady > 0 && steady < (json.lagSummary?.writes.count ?? 0), `steady rounds: ${steady}`);
  const report = (await runFerry(['report', ...stateArgs])).stdout;
  assert.match(report, /^switch: \d+\.\d s from `ferry switch` to "move the clients now"$/m);
  assert.match(report, /^ {2}steady state: \d+ rounds after caught up: write p50 /m);
  assert.match(report, /^catch-up after the backfill: \d+\.\d s from the start of change capture/m);
  const status = (await runFerry(['status', ...stateArgs])).stdout;
  assert.match(status, /^lag, steady state: \d+ rounds after caught up/m);
  assert.match(status, /^switch: \d+\.\d s from `ferry switch`/m);
}
