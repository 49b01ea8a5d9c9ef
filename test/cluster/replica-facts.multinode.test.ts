// Server facts with replicas, pinned on a multi-node source (3 nodes or more; run only on multi-node pairs by test/run.ts).
// Change capture bounds a round by a shard's checkpoints and searches one shard copy: these are the facts it must
// respect. Numbers seen are written to docs/engines/replicas-and-checkpoints.md.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ShardFailureError } from '../../src/cluster/errors.js';
import { searchRaw } from '../../src/cluster/read/read-context.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import {
  health,
  killNode,
  nodeIds,
  nodeName,
  pauseNode,
  restartNode,
  waitForSide,
} from '../harness/faults.js';
import { sleep } from '../harness/node-process.js';

let c: TestClusters;
let ids: Map<string, string>;
before(async () => {
  c = await testClusters();
  // test/run.ts runs *.multinode.test.ts only on pairs whose source has 3 nodes or more.
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
  ids = await nodeIds(c.source);
});
after(async () => {
  await c.close();
});

async function seed(index: string, docs: number, settings: Record<string, unknown>): Promise<void> {
  await c.source.createIndex(index, { settings: { number_of_shards: 1, ...settings } });
  await waitForSide('source', 'green');
  const lines: unknown[] = [];
  for (let i = 0; i < docs; i++) lines.push({ index: { _index: index, _id: `d${i}` } }, { n: i });
  assert.equal((await c.source.bulk(ndjson(lines), { refresh: 'true' })).errors, false);
}

/** Raw GET/POST on node 0 that gives up after `ms` (a paused node makes some calls wait for it). */
async function probe(
  path: string,
  ms: number,
  body?: unknown,
): Promise<{ status: number; body: ProbeBody } | 'no answer'> {
  try {
    const res = await fetch(`${c.sourceUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(ms),
    });
    return { status: res.status, body: (await res.json()) as ProbeBody };
  } catch {
    return 'no answer';
  }
}

interface ProbeBody {
  timed_out?: boolean;
  count?: number;
  _shards: { total: number; successful: number; skipped: number; failed: number };
  hits?: { total?: unknown };
}

/** seq_no stats of one shard copy, read from its own node only (index stats would wait for every copy). */
async function copyOnNode(nodeId: string, index: string) {
  const res = await c.source.json<{
    nodes: Record<
      string,
      {
        indices: {
          shards: Record<string, Record<string, { routing: { primary: boolean }; seq_no: SeqNo }>[]>;
        };
      }
    >;
  }>({ method: 'GET', path: `/_nodes/${nodeId}/stats/indices/docs`, query: { level: 'shards' } });
  const copy = res.nodes[nodeId]?.indices.shards[index]?.[0]?.['0'];
  assert.ok(copy, `node ${nodeId} holds a copy of ${index}[0]`);
  return { primary: copy.routing.primary, ...copy.seq_no };
}
interface SeqNo {
  max_seq_no: number;
  local_checkpoint: number;
  global_checkpoint: number;
}

describe('one replica: checkpoints and what each copy shows', () => {
  it('lists both copies in shard stats; at rest both copies hold every operation and the same documents', async (t) => {
    const index = uniqueName('facts-copies');
    await seed(index, 30, { number_of_replicas: 1 });
    const copies = await c.source.shardSeqNos(index);
    assert.deepEqual(copies.map((s) => s.primary).sort(), [false, true]);
    t.diagnostic(
      `at rest: ${JSON.stringify(copies.map((s) => [s.primary, s.maxSeqNo, s.localCheckpoint, s.globalCheckpoint]))}`,
    );
    for (const copy of copies) {
      assert.equal(copy.maxSeqNo, 29);
      assert.equal(copy.localCheckpoint, 29);
    }
    // The primary knows the global checkpoint; a replica learns it with the next write or the periodic sync
    // (Elasticsearch 7.10 showed -1 on the replica right after the first bulk).
    assert.equal(copies.find((s) => s.primary)?.globalCheckpoint, 29);
    for (const copy of copies) {
      const res = await c.source.search(
        index,
        { size: 1, sort: [{ _seq_no: 'desc' }], seq_no_primary_term: true, track_total_hits: true },
        { preference: `_only_nodes:${copy.node}` },
      );
      assert.deepEqual(res.hits.total, { value: 30, relation: 'eq' }, `copy on ${copy.node}`);
      // Every copy holds every operation up to the primary's global checkpoint (the replica's own may still lag).
      assert.equal(res.hits.hits[0]?._seq_no, 29);
    }
  });

  it('a frozen replica: the primary runs ahead of the global checkpoint and the write waits', async (t) => {
    const index = uniqueName('facts-lag');
    // Copies on nodes 1 and 2 only, so node 0 (the coordinator the tests talk to) is never the frozen one. A set
    // refresh interval keeps the primary refreshing though no search came lately.
    const allowed = [nodeName('source', 1), nodeName('source', 2)].join(',');
    await seed(index, 10, {
      number_of_replicas: 1,
      refresh_interval: '200ms',
      'index.routing.allocation.include._name': allowed,
    });
    const copies = await c.source.shardSeqNos(index);
    const primaryNode = copies.find((s) => s.primary)?.node ?? '';
    const replicaNode = copies.find((s) => !s.primary)?.node ?? '';
    const replica = [...ids].find(([, id]) => id === replicaNode)?.[0] === nodeName('source', 1) ? 1 : 2;
    const master = await c.source.json<{ node: string }[]>({
      method: 'GET',
      path: '/_cat/master',
      query: { format: 'json' },
    });
    t.diagnostic(
      `primary on ${primaryNode}, replica on node ${replica} (${replicaNode}), master ${master[0]?.node}`,
    );
    const pause = await pauseNode('source', replica, 60_000);
    try {
      const started = Date.now();
      const write = c.source.json<{ _seq_no: number; _shards: unknown }>({
        method: 'PUT',
        path: `/${index}/_doc/late`,
        body: { n: 99 },
      });
      let primary = await copyOnNode(primaryNode, index);
      for (let i = 0; i < 40 && primary.local_checkpoint < 10; i++) {
        await sleep(250);
        primary = await copyOnNode(primaryNode, index);
      }
      t.diagnostic(`primary while its replica is frozen: ${JSON.stringify(primary)}`);
      assert.equal(primary.local_checkpoint, 10, 'the primary applied the write');
      assert.equal(primary.global_checkpoint, 9, 'the global checkpoint waits for the frozen replica');
      await sleep(500);
      const onPrimary = await c.source.search(
        index,
        { size: 1, sort: [{ _seq_no: 'desc' }], seq_no_primary_term: true },
        { preference: `_only_nodes:${primaryNode}` },
      );
      assert.equal(
        onPrimary.hits.hits[0]?._id,
        'late',
        'a search on the primary shows the write above the global checkpoint',
      );
      assert.equal(onPrimary.hits.hits[0]?._seq_no, 10);
      const stats = await probe(`/${index}/_stats?level=shards`, 3000);
      const onReplica = await probe(`/${index}/_search?preference=_only_nodes:${replicaNode}`, 3000, {
        size: 0,
      });
      const anyCopy = await probe(`/${index}/_search?preference=_shards:0`, 3000, { size: 0 });
      t.diagnostic(
        `frozen replica: index stats ${typeof stats === 'string' ? stats : stats.status}; search on the replica ${typeof onReplica === 'string' ? onReplica : onReplica.status}; _shards:0 ${typeof anyCopy === 'string' ? anyCopy : JSON.stringify(anyCopy.body.hits?.total)}`,
      );
      assert.equal(stats, 'no answer', 'index stats wait for the frozen copy');
      assert.equal(onReplica, 'no answer', 'a search sent to the frozen copy waits for it');
      const pending = await Promise.race([write.then(() => 'answered'), sleep(100).then(() => 'pending')]);
      assert.equal(pending, 'pending', 'the write waits for the frozen replica');
      pause.resume();
      const written = await write;
      t.diagnostic(
        `write answered ${(Date.now() - started) / 1000} s after it was sent: ${JSON.stringify(written)}`,
      );
      assert.equal(written._seq_no, 10);
      // The primary's global checkpoint moves as soon as the replica acknowledges; the replica learns it with
      // the next write or the periodic global checkpoint sync, so its own copy may still say 9.
      const after = await c.source.shardSeqNos(index);
      t.diagnostic(
        `after the ack: ${JSON.stringify(after.map((s) => [s.primary, s.localCheckpoint, s.globalCheckpoint]))}`,
      );
      for (const copy of after) assert.equal(copy.localCheckpoint, 10);
      assert.equal(after.find((s) => s.primary)?.globalCheckpoint, 10);
    } finally {
      pause.resume();
    }
    await c.source.deleteIndex(index);
  });
});

describe('a shard whose only copy is on a killed node', () => {
  it('searches answer 200 with fewer successful shards than total; the cluster layer raises ShardFailureError', async (t) => {
    const victim = c.sourceNodes - 1;
    const lost = uniqueName('facts-lost');
    const kept = uniqueName('facts-kept');
    await seed(lost, 5, {
      number_of_replicas: 0,
      'index.routing.allocation.require._name': nodeName('source', victim),
    });
    await seed(kept, 7, {
      number_of_replicas: 0,
      'index.routing.allocation.require._name': nodeName('source', 0),
    });
    await killNode('source', victim);
    try {
      await waitForRed(lost);
      const both = await probe(`/${lost},${kept}/_search`, 10_000, { size: 0 });
      const alone = await probe(`/${lost}/_search`, 10_000, { size: 0 });
      const count = await probe(`/${lost},${kept}/_count`, 10_000, {});
      t.diagnostic(`search of both: ${JSON.stringify(both)}`);
      t.diagnostic(`search of the lost index alone: ${JSON.stringify(alone)}`);
      t.diagnostic(`count of both: ${JSON.stringify(count)}`);
      assert.ok(typeof both !== 'string' && typeof count !== 'string' && typeof alone !== 'string');
      assert.equal(both.status, 200);
      assert.equal(both.body.timed_out, false);
      // An unassigned shard is not a failed one: only successful < total tells that the answer is partial.
      assert.deepEqual(both.body._shards, { total: 2, successful: 1, skipped: 0, failed: 0 });
      assert.deepEqual(
        both.body.hits?.total,
        { value: 7, relation: 'eq' },
        'the answer holds the other shard only',
      );
      assert.equal(count.status, 200);
      assert.deepEqual(count.body._shards, { total: 2, successful: 1, skipped: 0, failed: 0 });
      assert.equal(count.body.count, 7);
      assert.equal(alone.status, 503);
      await assert.rejects(c.source.search(`${lost},${kept}`, { size: 0 }), ShardFailureError);
      await assert.rejects(c.source.count(`${lost},${kept}`), ShardFailureError);
      await assert.rejects(searchRaw(c.source, `${lost},${kept}`, { size: 0 }), ShardFailureError);
    } finally {
      await restartNode('source', victim);
    }
    assert.equal(await c.source.count(`${lost},${kept}`), 12);
    await Promise.all([c.source.deleteIndex(lost), c.source.deleteIndex(kept)]);
  });
});

async function waitForRed(index: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const h = await health(c.source, { index });
    if (h.status === 'red') return;
    await sleep(250);
  }
  throw new Error(`${index} did not turn red after its node was killed`);
}
