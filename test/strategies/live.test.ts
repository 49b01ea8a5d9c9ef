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
    const sync = (JSON.parse(report.stdout) as { sync?: { writeBlockMs?: number } }).sync;
    assert.ok(
      sync?.writeBlockMs !== undefined && sync.writeBlockMs > 0,
      `no pause was measured: ${report.stdout}`,
    );
    const blocked = await c.source.getIndexSettings(result.index);
    assert.equal(blocked['index.blocks.write'], 'true', 'the source stays write-blocked after the drain');
    t.diagnostic(`write block (pause) lasted ${sync.writeBlockMs} ms`);
  });
});
