// A live migration through what production clusters do: on a 3-node source with one replica, a replica's node
// freezes (SIGSTOP) so it lags and holds the global checkpoint back, then the node holding a primary is killed
// with -9 (its replica takes over) and restarted, all while the application writes and Ferry captures. Then the
// application moves at "move the clients now" and keeps writing through the verification. The dest must equal
// the oracle outside the reported conflicts (or, where the source itself diverged from the client in the
// failover, equal the source), and Ferry's verdict must be clean.
// Runs only on pairs whose source has 3 nodes or more (test/run.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import { allDocs } from '../harness/documents.js';
import { copyHolder, killNode, pauseNode, restartNode } from '../harness/faults.js';
import { liveScenario } from '../harness/live-scenario.js';
import { assertNoProblems, summary } from '../harness/scenario-checks.js';

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
  it('a frozen replica, then a killed primary node and its restart: nothing lost, verdict clean', async (t) => {
    const faults: string[] = [];
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
        if (replica !== undefined) {
          await (await pauseNode('source', replica, 4000)).resumed;
          faults.push(`node ${replica} (a replica) frozen 4 s`);
        }
        const primary = (await holder(index, true)) ?? (await holder(index, false));
        assert.ok(primary !== undefined, 'a copy of the index lives off node 0');
        await killNode('source', primary);
        faults.push(`node ${primary} killed`);
        await new Promise((r) => setTimeout(r, 3000));
        await restartNode('source', primary, { status: 'yellow' });
        faults.push(`node ${primary} restarted`);
      },
    });
    const { oracle, conflicts, outside } = result.comparison;
    t.diagnostic(
      `${faults.join(', ')}; ${oracle.checked} documents checked, ${conflicts.length} conflicts, outside them: ${summary(outside)}; ${result.report.errors.length} client errors`,
    );
    // A failover can make the source itself apply a non-idempotent write twice (a bulk scripted update or upsert
    // the coordinating node sends again to the new primary): the client saw one success, the source holds two.
    // Such a document is not a migration loss if the dest holds exactly what the source holds.
    const ids = [
      ...outside.lost.map((x) => x.id),
      ...outside.resurrected.map((x) => x.id),
      ...outside.stale.map((x) => x.id),
      ...outside.extra,
    ];
    const [src, dst] = await Promise.all([allDocs(c.source, result.index), allDocs(c.dest, result.index)]);
    const ferryDiffers = ids.filter(
      (id) => JSON.stringify(src.get(id)?.source ?? null) !== JSON.stringify(dst.get(id)?.source ?? null),
    );
    if (ids.length > 0)
      t.diagnostic(
        `${ids.length} document(s) where the source itself differs from what the client saw (${ids.join(', ')}); the dest equals the source there`,
      );
    assert.deepEqual(
      ferryDiffers,
      [],
      'documents where the dest differs from both the oracle and the source',
    );
    if (ids.length === 0) assertNoProblems(outside, 'dest vs oracle outside the reported conflicts');
    assert.equal(result.verification?.unexplained, 0, JSON.stringify(result.verification));
  });
});
