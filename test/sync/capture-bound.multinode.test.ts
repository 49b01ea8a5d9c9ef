// Why a capture round stops at the global checkpoint: a replica that lags (its node's write threads busy, its
// search threads free) answers a search without an operation the primary has already applied. Bounded by the
// primary's local checkpoint (the old bound), the round reads that replica, finds nothing, and moves the mark past
// the operation for good; bounded by the global checkpoint it leaves the mark below it and a later round, once
// the replica has it, copies it. Runs only on multi-node pairs (test/run.ts).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ClusterClient } from '../../src/cluster/client.js';
import { primaryPositions } from '../../src/cluster/primary-positions.js';
import { Applier } from '../../src/sync/applier.js';
import { type CaptureBound, captureBounds, captureShard } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import { nodePorts } from '../harness/bed.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import { nodeIds, nodeName, waitForSide } from '../harness/faults.js';
import { sleep } from '../harness/node-process.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
});
after(async () => {
  await c.close();
});

/**
 * Keeps every write thread of node i busy for a while: bulks sent to that node as coordinator through an ingest
 * pipeline whose script loops (ingest runs on the coordinating node's write pool, where replica operations wait).
 */
async function busyWriteThreads(i: number, ms: number): Promise<void> {
  const node = await ClusterClient.connect({ url: `http://127.0.0.1:${nodePorts('source', i).http}` });
  const pipeline = uniqueName('slow');
  const scratch = uniqueName('slow-scratch');
  try {
    await node.json({
      method: 'PUT',
      path: `/_ingest/pipeline/${pipeline}`,
      body: {
        processors: [
          {
            script: {
              source: 'long n = 0; for (int k = 0; k < 900000; k++) { n += k % 7; } ctx.n = n;',
            },
          },
        ],
      },
    });
    const until = Date.now() + ms;
    const lines: unknown[] = [];
    // Each bulk holds one write thread for all its documents (ingest runs them one after another): 400 documents
    // keep a replica operation queued for seconds even on a quiet machine (50 let it through in under 250 ms).
    for (let k = 0; k < 400; k++) lines.push({ index: { _index: scratch } }, { k });
    const body = ndjson(lines);
    const writer = async () => {
      while (Date.now() < until) await node.bulk(body, { pipeline }).catch(() => undefined);
    };
    await Promise.all(Array.from({ length: 6 }, writer));
  } finally {
    await node.deleteIndex(scratch).catch(() => undefined);
    await node.json({ method: 'DELETE', path: `/_ingest/pipeline/${pipeline}` }).catch(() => undefined);
    await node.close();
  }
}

/** One capture round of shard 0 into a fresh ledger and dest index, reading the copy on `copyNode`. */
async function captureOnce(index: string, bound: CaptureBound, copyNode: string, from: number) {
  const destIndex = uniqueName(`bound-${bound === 'globalCheckpoint' ? 'gcp' : 'lcp'}`);
  await c.dest.createIndex(destIndex, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-bound-')), 'ledger.db'));
  ledger.commit({ marks: { 0: from } });
  const applier = new Applier({ ledger, dest: c.dest, destIndex, now: () => new Date() });
  const capture = { source: c.source, index, applier, copyForTests: `_only_nodes:${copyNode}` };
  const round = async () => {
    const to = (await captureBounds(c.source, index, bound)).marks[0] ?? -1;
    const mark = ledger.marks()[0] ?? -1;
    if (to > mark) await captureShard(capture, 0, mark, to);
    return to;
  };
  return { ledger, destIndex, round };
}

describe('the bound of a capture round, with a lagging replica', () => {
  it('the primary local checkpoint loses an operation the replica has not applied; the global checkpoint does not', async (t: TestContext) => {
    const index = uniqueName('bound-lag');
    await c.source.createIndex(index, {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 1,
        'index.routing.allocation.exclude._name': nodeName('source', 0),
      },
    });
    await waitForSide('source', 'green');
    const lines: unknown[] = [];
    for (let i = 0; i < 10; i++) lines.push({ index: { _index: index, _id: `d${i}` } }, { n: i });
    assert.equal((await c.source.bulk(ndjson(lines), { refresh: 'true' })).errors, false);
    const ids = await nodeIds(c.source);
    const copies = await c.source.shardSeqNos(index);
    const replicaNode = copies.find((s) => !s.primary)?.node ?? '';
    const replica = [1, 2].find((i) => ids.get(nodeName('source', i)) === replicaNode);
    assert.ok(replica !== undefined, 'the replica is on node 1 or 2');

    // The setup, not the subject: the replica's write threads are kept busy so that it lags behind the primary.
    // On a loaded machine it can catch up before the rounds have read it; an attempt counts only if the primary's
    // global checkpoint was still below the write after both rounds. Otherwise the write is taken back and the
    // setup tried again with fresh captures above it.
    let mark = 9;
    for (let attempt = 1; ; attempt++) {
      const old = await captureOnce(index, 'localCheckpointForTests', replicaNode, mark);
      const safe = await captureOnce(index, 'globalCheckpoint', replicaNode, mark);
      try {
        const busy = busyWriteThreads(replica, 12_000);
        await sleep(1500);
        const write = c.source.json({ method: 'PUT', path: `/${index}/_doc/late`, body: { n: 99 } });
        let primary = (await primaryPositions(c.source, index))[0];
        for (let i = 0; i < 40 && (primary?.localCheckpoint ?? 0) <= mark; i++) {
          await sleep(250);
          primary = (await primaryPositions(c.source, index))[0];
        }
        const oldTo = await old.round();
        const safeTo = await safe.round();
        const after = (await primaryPositions(c.source, index))[0];
        t.diagnostic(
          `attempt ${attempt}: primary before the rounds ${JSON.stringify(primary)}, global checkpoint after them ${after?.globalCheckpoint}; old bound ${oldTo}, mark ${old.ledger.marks()[0]}, late copied ${old.ledger.get('late') !== undefined}; new bound ${safeTo}, mark ${safe.ledger.marks()[0]}`,
        );
        assert.equal(primary?.localCheckpoint, mark + 1, 'the primary applied the write');
        assert.ok(
          (safe.ledger.marks()[0] ?? -1) <= (after?.globalCheckpoint ?? -1),
          'the new bound never passes the global checkpoint',
        );
        const lagged = (after?.globalCheckpoint ?? 0) === mark;
        if (!lagged) {
          assert.ok(attempt < 4, 'the replica never lagged through both rounds in 4 attempts');
          await busy;
          await write;
          await c.source.json({ method: 'DELETE', path: `/${index}/_doc/late` });
          mark += 2;
          for (
            let i = 0;
            i < 40 && ((await primaryPositions(c.source, index))[0]?.globalCheckpoint ?? 0) < mark;
            i++
          )
            await sleep(250);
          continue;
        }
        assert.equal(oldTo, mark + 1);
        assert.equal(old.ledger.marks()[0], mark + 1, 'the old bound moves the mark past the write');
        assert.equal(old.ledger.get('late'), undefined, 'the lagging replica did not show the write');
        assert.equal(safe.ledger.marks()[0], mark, 'the global checkpoint keeps the mark below it');

        await busy;
        await write;
        // The replica has it now: later rounds of each.
        await old.round();
        await safe.round();
        t.diagnostic(
          `after the replica caught up: old mark ${old.ledger.marks()[0]}, late copied ${old.ledger.get('late') !== undefined}; new mark ${safe.ledger.marks()[0]}, late copied ${safe.ledger.get('late') !== undefined}`,
        );
        assert.equal(old.ledger.get('late'), undefined, 'the old bound lost the write for good');
        assert.ok(safe.ledger.get('late'), 'the global checkpoint bound copied the write');
        await Promise.all([c.dest.refresh(safe.destIndex), c.dest.refresh(old.destIndex)]);
        assert.equal(await c.dest.count(safe.destIndex, { ids: { values: ['late'] } }), 1);
        assert.equal(await c.dest.count(old.destIndex, { ids: { values: ['late'] } }), 0);
        break;
      } finally {
        old.ledger.close();
        safe.ledger.close();
        await Promise.all([c.dest.deleteIndex(old.destIndex), c.dest.deleteIndex(safe.destIndex)]);
      }
    }
    await c.source.deleteIndex(index);
  });
});
