// What tells change capture that a shard's `_seq_no`s may mean other operations, pinned on the multi-node source:
// the primary term (index metadata) grows with a failover and the history UUID (the primary's commit user data)
// stays; a snapshot restore starts a new history. And what Ferry's ledger does with each (src/sync/shard-history.ts).
// Runs only on multi-node pairs (test/run.ts).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { primaryPositions } from '../../src/cluster/primary-positions.js';
import { DOC_STATE, Ledger } from '../../src/sync/ledger.js';
import { resetMovedHistories } from '../../src/sync/shard-history.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import { killNode, nodeIds, nodeName, restartNode, waitForSide } from '../harness/faults.js';
import { sleep } from '../harness/node-process.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
});
after(async () => {
  await c.close();
});

describe('primary term and history UUID of a source shard', () => {
  it('a failover raises the primary term and keeps the history UUID; the ledger distrusts what it saw above its mark', async (t) => {
    const index = uniqueName('history-failover');
    // Both copies off node 0 (the node the client talks to).
    await c.source.createIndex(index, {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 1,
        'index.routing.allocation.exclude._name': nodeName('source', 0),
        'index.unassigned.node_left.delayed_timeout': '0s',
      },
    });
    await waitForSide('source', 'green');
    const lines: unknown[] = [];
    for (let i = 0; i < 20; i++) lines.push({ index: { _index: index, _id: `d${i}` } }, { n: i });
    assert.equal((await c.source.bulk(ndjson(lines), { refresh: 'true' })).errors, false);
    const [before] = await primaryPositions(c.source, index);
    assert.ok(before);
    t.diagnostic(`before: ${JSON.stringify(before)}`);
    assert.equal(before.globalCheckpoint, 19);
    assert.match(before.historyUuid, /^[\w-]{20,}$/);

    const ids = await nodeIds(c.source);
    const victim = [1, 2].find((i) => ids.get(nodeName('source', i)) === before.node);
    assert.ok(victim !== undefined, 'the primary is on node 1 or 2');
    await killNode('source', victim);
    try {
      let now = before;
      for (let i = 0; i < 120 && now.node === before.node; i++) {
        await sleep(500);
        now = (await primaryPositions(c.source, index).catch(() => [before]))[0] ?? before;
      }
      t.diagnostic(`after the primary's node was killed: ${JSON.stringify(now)}`);
      assert.notEqual(now.node, before.node, 'the replica was promoted');
      assert.ok(now.primaryTerm > before.primaryTerm, 'the primary term grew');
      assert.equal(now.historyUuid, before.historyUuid, 'a failover keeps the history UUID');
      assert.ok(now.maxSeqNo >= 19);

      // The ledger recorded the first history with a mark of 15 and rows above it (as a backfill leaves them).
      const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-history-')), 'ledger.db'));
      try {
        const row = (id: string, seq: number) => ({
          id,
          routing: null,
          shard: 0,
          srcSeq: seq,
          srcVersion: 1,
          srcLive: 1 as const,
          destSeq: seq,
          destTerm: 1,
          state: DOC_STATE.written,
        });
        ledger.commit({
          rows: [row('d10', 10), row('d17', 17), row('d19', 19)],
          marks: { 0: 15 },
          histories: { 0: before },
        });
        assert.deepEqual(resetMovedHistories(ledger, { 0: before }), [], 'same history: nothing to redo');
        const resets = resetMovedHistories(ledger, { 0: now });
        assert.deepEqual(
          resets.map((r) => [r.shard, r.safe, r.rows]),
          [[0, 15, 2]],
        );
        assert.equal(ledger.get('d17')?.srcSeq, 15, 'a row above the mark is set back to it');
        assert.equal(ledger.get('d10')?.srcSeq, 10, 'a row at or below the mark is kept');
        assert.equal(ledger.marks()[0], 15);
        assert.deepEqual(ledger.histories()[0], {
          primaryTerm: now.primaryTerm,
          historyUuid: now.historyUuid,
        });
        const fresh = { ...now, historyUuid: 'another-history' };
        assert.deepEqual(
          resetMovedHistories(ledger, { 0: fresh }).map((r) => [r.safe, r.rows]),
          [[-1, 3]],
          'a new history UUID: nothing of the shard is trusted',
        );
        assert.equal(ledger.marks()[0], -1);
      } finally {
        ledger.close();
      }
    } finally {
      await restartNode('source', victim, { status: 'yellow' });
    }
    await c.source.deleteIndex(index);
  });
});
