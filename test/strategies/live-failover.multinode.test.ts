// A live migration through what production clusters do: on a 3-node source with one replica, a replica's node
// freezes (SIGSTOP) so it lags and holds the global checkpoint back, then the node holding a primary is killed
// with -9 (its replica takes over: a new primary term) and restarted, all while the application writes and Ferry
// captures. Then the application moves at "move the clients now" and keeps writing through the verification. The
// dest must equal the oracle outside the reported conflicts (or, where the source itself diverged from the client
// in the failover, equal the source), and Ferry's verdict must be clean. The other faults of the acceptance list
// are in live-faults.multinode.test.ts. Runs only on pairs whose source has 3 nodes or more (test/run.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import { FaultTimeline } from '../harness/fault-timeline.js';
import { copyHolder, killNode, pauseNode, restartNode } from '../harness/faults.js';
import { liveScenario } from '../harness/live-scenario.js';
import { readState } from '../harness/migration-state.js';
import { sleep } from '../harness/node-process.js';
import { assertDestMatches, summary } from '../harness/scenario-checks.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
});
after(async () => {
  await c.close();
});

function holder(index: string, primary: boolean): Promise<number | undefined> {
  return copyHolder(c.source, 'source', index, primary);
}

describe('live migration through source faults', () => {
  it('a frozen replica, then a killed primary node mid-capture and its restart: nothing lost, verdict clean', async (t) => {
    const faults = new FaultTimeline();
    const result = await liveScenario(c, {
      // seed 4001: three shards, so primaries spread over the nodes
      seed: 4001,
      docs: 1500,
      rate: 60,
      sourceMs: 1000,
      destMs: 1000,
      move: 'after-move-now',
      // The source stays, to be compared with the dest below.
      cleanup: false,
      replicas: 1,
      beforeSwitch: async (index) => {
        const replica = await holder(index, false);
        if (replica !== undefined)
          await faults.run(`source node ${replica} (a replica) frozen 4 s`, async () => {
            await (await pauseNode('source', replica, 4000)).resumed;
          });
        const primary = (await holder(index, true)) ?? (await holder(index, false));
        assert.ok(primary !== undefined, 'a copy of the index lives off node 0');
        await faults.run(`source node ${primary} (a primary) killed mid-capture`, () =>
          killNode('source', primary),
        );
        await sleep(3000);
        await faults.run(`source node ${primary} restarted`, () =>
          restartNode('source', primary, { status: 'yellow' }).then(() => undefined),
        );
      },
    });
    const state = await readState(result.migration.stateDir, result.migration.id);
    for (const line of faults.describe(state)) t.diagnostic(line);
    const { oracle, conflicts, outside } = result.comparison;
    t.diagnostic(
      `${oracle.checked} documents checked, ${conflicts.length} conflicts, outside them: ${summary(outside)}; ${result.report.errors.length} client errors`,
    );
    const diverged = await assertDestMatches(c.source, c.dest, result);
    if (diverged.length > 0)
      t.diagnostic(
        `${diverged.length} document(s) where the source itself differs from what the client saw (${diverged.join(', ')}); the dest equals the source there`,
      );
    assert.ok(
      faults.recoverySeconds(state).every((s) => s !== undefined),
      `Ferry caught up after every fault: ${faults.describe(state).join('; ')}`,
    );
  });
});
