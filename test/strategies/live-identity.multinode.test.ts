// A dest shard that loses its data under a running migration (its only copy's node dies and an empty primary is
// allocated in its place, as an operator does to get a red index green) starts a new history: Ferry's capture
// stops naming the shard, and cleanup never deletes the source after that (src/sync/identity.ts).
// Runs only on multi-node pairs (test/run.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import { killNode, moveShard, nodeIds, nodeName, restartNode } from '../harness/faults.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  assert.ok(c.destNodes >= 2, `needs a dest of 2 nodes or more (this pair has ${c.destNodes})`);
});
after(async () => {
  await c.close();
});

const DOCS = 200;

describe('a dest shard replaced by an empty primary under a running migration', () => {
  it('stops capture naming the shard; cleanup keeps the source', async (t) => {
    const index = uniqueName('emptyprimary');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines = Array.from({ length: DOCS }, (_, i) => [
      { index: { _index: index, _id: `d${i}` } },
      { n: i },
    ]);
    assert.equal((await c.source.bulk(ndjson(lines.flat()), { refresh: 'true' })).errors, false);
    const m = await newMigration(c, index, { quietSeconds: 1 });
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    // Shard 0's only copy goes to dest node 1, which then dies: its data is gone with it.
    const node0 = nodeName('dest', 0);
    const node1 = nodeName('dest', 1);
    const shard0 = (await c.dest.shardSeqNos(index)).find((s) => s.shard === 0 && s.primary);
    if (shard0?.node !== (await nodeIds(c.dest)).get(node1)) await moveShard(c.dest, index, 0, node0, node1);
    // Node 1 may hold the dest's one vote (two master-eligible nodes): it gives it up before it dies.
    await c.dest.json({
      method: 'POST',
      path: '/_cluster/voting_config_exclusions',
      query: { node_names: node1, timeout: '60s' },
    });
    try {
      await killNode('dest', 1);
      await c.dest.json({
        method: 'POST',
        path: '/_cluster/reroute',
        body: {
          commands: [{ allocate_empty_primary: { index, shard: 0, node: node0, accept_data_loss: true } }],
        },
      });
      const stopped = await run.done;
      t.diagnostic(
        stopped.stderr
          .split('\n')
          .filter((l) => /history|error/.test(l))
          .join(' | '),
      );
      assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
      assert.match(stopped.stderr, new RegExp(`Dest shard 0 of ${index} started a new history`));
      const cleanup = await ferryOn(m, 'cleanup', ['--yes-delete-source']);
      assert.equal(cleanup.code, 1, cleanup.stdout + cleanup.stderr);
      assert.equal(await c.source.count(index), DOCS, 'the source stays whole');
    } finally {
      await restartNode('dest', 1);
      await c.dest.json({
        method: 'DELETE',
        path: '/_cluster/voting_config_exclusions',
        query: { wait_for_removal: false },
      });
    }
  });
});
