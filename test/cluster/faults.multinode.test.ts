// The fault tools of test/harness/faults.ts, each used once on the multi-node source (3 nodes or more), with
// the cluster going yellow or refusing writes, then back to green. Run only on multi-node pairs (test/run.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterClient } from '../../src/cluster/client.js';
import { ResponseError } from '../../src/cluster/errors.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import {
  electedManager,
  fillWriteQueue,
  health,
  killNode,
  moveShard,
  nodeIds,
  nodeName,
  pauseNode,
  restartNode,
  setDiskWatermark,
  waitForSide,
} from '../harness/faults.js';
import { sleep } from '../harness/node-process.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  // test/run.ts runs *.multinode.test.ts only on pairs whose source has 3 nodes or more.
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
});
after(async () => {
  await c.close();
});

async function seed(client: ClusterClient, index: string, docs: number, settings: Record<string, unknown>) {
  await client.createIndex(index, { settings });
  const lines: unknown[] = [];
  for (let i = 0; i < docs; i++) lines.push({ index: { _index: index, _id: `d${i}` } }, { n: i });
  assert.equal((await client.bulk(ndjson(lines), { refresh: 'true' })).errors, false);
  await waitForSide('source', 'green');
}

/** The node (index in the bed, never node 0, which the client talks to) holding a copy of shard 0. */
async function copyHolder(index: string, primary: boolean): Promise<number> {
  const ids = await nodeIds(c.source);
  const copy = (await c.source.shardSeqNos(index)).find((s) => s.shard === 0 && s.primary === primary);
  for (let i = 1; i < c.sourceNodes; i++) if (ids.get(nodeName('source', i)) === copy?.node) return i;
  return -1;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await sleep(250);
  }
  throw new Error(`${what}: not reached in ${ms / 1000} s (last: ${JSON.stringify(last)})`);
}

describe('fault tools on a multi-node source', () => {
  it('kill -9 of a node holding a copy: yellow; restart on the same data: green, nothing lost', async (t) => {
    const index = uniqueName('fault-kill');
    await seed(c.source, index, 200, { number_of_shards: 1, number_of_replicas: 1 });
    const victim = Math.max(await copyHolder(index, false), await copyHolder(index, true));
    assert.ok(victim > 0, 'a copy of shard 0 is on a node other than node 0');
    await killNode('source', victim);
    const down = await until(
      'yellow after the kill',
      () => health(c.source, { index }),
      (h) => h.status === 'yellow' && h.number_of_nodes === c.sourceNodes - 1,
    );
    t.diagnostic(`after kill -9 of node ${victim}: ${down.status}, ${down.unassigned_shards} unassigned`);
    assert.equal(await c.source.count(index), 200, 'the remaining copy answers');
    const started = Date.now();
    const node = await restartNode('source', victim);
    t.diagnostic(
      `node ${victim} back (${node.startupSeconds.toFixed(1)} s), green in ${(Date.now() - started) / 1000} s`,
    );
    assert.equal((await health(c.source, { index })).status, 'green');
    const ids = await nodeIds(c.source);
    const res = await c.source.search(
      index,
      { size: 0, track_total_hits: true },
      {
        preference: `_only_nodes:${ids.get(nodeName('source', victim))}`,
      },
    );
    assert.deepEqual(
      res.hits.total,
      { value: 200, relation: 'eq' },
      'the restarted node holds its copy again',
    );
    await c.source.deleteIndex(index);
  });

  it('SIGSTOP of a node: writes wait for it; past fault detection it leaves (yellow); SIGCONT: green', async (t) => {
    const index = uniqueName('fault-pause');
    // Both copies off node 0, which the test's client talks to: the paused node is never the one answering.
    await seed(c.source, index, 10, {
      number_of_shards: 1,
      number_of_replicas: 1,
      'index.routing.allocation.exclude._name': nodeName('source', 0),
    });
    // Pause a follower: the elected cluster manager paused is another fault (its peers' requests hang on it for a
    // minute or more before they elect another: a CI run on a loaded machine passed 90 s).
    const ids = await nodeIds(c.source);
    const manager = await electedManager(c.source);
    const holders = [await copyHolder(index, false), await copyHolder(index, true)];
    const paused = holders.find((i) => i >= 1 && ids.get(nodeName('source', i)) !== manager) ?? -1;
    assert.ok(
      paused >= 1,
      `a copy is on node 1 or 2 and that node is not the cluster manager (copies on ${holders})`,
    );
    const started = Date.now();
    const pause = await pauseNode('source', paused, 120_000);
    const write = c.source.json<{ _shards: { total: number; successful: number; failed: number } }>({
      method: 'PUT',
      path: `/${index}/_doc/during-pause`,
      body: { n: -1 },
    });
    const left = await until(
      'the paused node removed from the cluster',
      () => health(c.source),
      (h) => h.number_of_nodes === c.sourceNodes - 1,
    );
    const removedAfter = (Date.now() - started) / 1000;
    // The index's own health, read while the node is still out: other tests' single-copy indices on the paused
    // node turn the whole cluster red.
    const indexStatus = (await health(c.source, { index })).status;
    const written = await write;
    const writeSeconds = (Date.now() - started) / 1000;
    pause.resume();
    t.diagnostic(
      `node ${paused} (${holders.indexOf(paused) === 0 ? 'replica' : 'primary'}) paused: removed after ${removedAfter} s (cluster ${left.status}), ` +
        `write answered after ${writeSeconds} s with _shards ${JSON.stringify(written._shards)}`,
    );
    assert.equal(indexStatus, 'yellow', `cluster ${left.status}`);
    assert.ok(removedAfter > 5, 'a short pause does not remove a node');
    await waitForSide('source', 'green');
    assert.equal((await health(c.source, { index })).status, 'green');
    await c.source.deleteIndex(index);
  });

  it('moves a shard copy to another node with _cluster/reroute', async (t) => {
    const index = uniqueName('fault-move');
    await seed(c.source, index, 50, { number_of_shards: 1, number_of_replicas: 1 });
    const ids = await nodeIds(c.source);
    const names = new Map([...ids].map(([name, id]) => [id, name]));
    const copies = (await c.source.shardSeqNos(index)).filter((s) => s.shard === 0);
    const holders = copies.map((s) => names.get(s.node) ?? s.node);
    const free = [...ids.keys()].find((name) => !holders.includes(name));
    const primary = copies.find((s) => s.primary);
    assert.ok(free && primary);
    await moveShard(c.source, index, 0, names.get(primary.node) ?? primary.node, free);
    const after = (await c.source.shardSeqNos(index)).filter((s) => s.shard === 0);
    const moved = after.find((s) => s.primary);
    t.diagnostic(`primary moved ${names.get(primary.node)} -> ${names.get(moved?.node ?? '')}`);
    assert.equal(moved?.node, ids.get(free));
    assert.equal(moved?.docs, 50);
    assert.equal((await health(c.source, { index })).status, 'green');
    await c.source.deleteIndex(index);
  });

  it('a node with a one-slot write queue answers concurrent bulks with 429 items', async (t) => {
    const victim = c.sourceNodes - 1;
    const restore = await fillWriteQueue('source', victim);
    try {
      const index = uniqueName('fault-queue');
      // Primaries only on the squeezed node: replica writes are never rejected, primary writes are.
      await c.source.createIndex(index, {
        settings: {
          number_of_shards: 3,
          number_of_replicas: 0,
          'index.routing.allocation.require._name': nodeName('source', victim),
        },
      });
      await waitForSide('source', 'green');
      const bulk = (k: number) => {
        const lines: unknown[] = [];
        for (let i = 0; i < 200; i++) lines.push({ index: { _index: index, _id: `b${k}-${i}` } }, { k, i });
        return c.source.bulk(ndjson(lines));
      };
      const answers = await Promise.all(Array.from({ length: 12 }, (_, k) => bulk(k)));
      const items = answers.flatMap((a) => a.items.map((item) => item.index));
      const rejected = items.filter((item) => item?.status === 429);
      t.diagnostic(
        `${rejected.length} of ${items.length} items rejected with 429 ${rejected[0]?.error?.type}`,
      );
      assert.ok(rejected.length > 0);
      // OpenSearch renamed Elasticsearch's es_rejected_execution_exception.
      const expected =
        c.source.engine.distribution === 'opensearch'
          ? 'rejected_execution_exception'
          : 'es_rejected_execution_exception';
      assert.equal(rejected[0]?.error?.type, expected);
      await c.source.deleteIndex(index);
    } finally {
      await restore();
    }
    assert.equal((await health(c.source)).status, 'green');
  });

  it('a flood-stage disk watermark blocks writes; resetting it lifts the blocks (index creation included)', async (t) => {
    const index = uniqueName('fault-disk');
    await seed(c.source, index, 5, { number_of_shards: 1, number_of_replicas: 1 });
    const write = (id: string) =>
      c.source.json({ method: 'PUT', path: `/${index}/_doc/${id}`, body: { n: 1 } });
    await setDiskWatermark(c.source, { low: '1%', high: '1%', floodStage: '1%' });
    try {
      const refused = await until(
        'the flood-stage block',
        () =>
          write('w1').then(
            () => undefined,
            (error: unknown) => error,
          ),
        (e) => e instanceof ResponseError,
        60_000,
      );
      assert.ok(refused instanceof ResponseError);
      t.diagnostic(`write under flood stage: HTTP ${refused.status} ${refused.errorType}`);
      assert.equal(refused.errorType, 'cluster_block_exception');
    } finally {
      await setDiskWatermark(c.source, null);
    }
    const created = uniqueName('fault-disk-after');
    await c.source.createIndex(created, { settings: { number_of_replicas: 0 } });
    await c.source.deleteIndex(created);
    await until(
      'writes accepted again',
      () =>
        write('w2').then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      60_000,
    );
    await c.source.deleteIndex(index);
  });
});
