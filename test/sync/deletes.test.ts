// Deletes found by counting per _seq_no range: after a backfill through the ledger, source deletes (single,
// scattered, a delete then re-create) reach the dest with a handful of requests, not a listing of the index.
// Also pins that slice s of a sliced read is shard s (the ledger's shard of every document is the real one).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentProgress } from '../../src/core/progress.js';
import { Applier } from '../../src/sync/applier.js';
import { backfillIndex } from '../../src/sync/backfill.js';
import { captureBounds } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import { catchUp, type QuietShards } from '../../src/sync/round.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 6000;

describe('delete scan by counting', () => {
  it('finds exactly the source deletes, with few requests, and each ledger shard is the real shard', async (t) => {
    const index = uniqueName('deletes');
    const settings = { settings: { number_of_shards: 3, number_of_replicas: 0 } };
    await c.source.createIndex(index, settings);
    await c.dest.createIndex(index, settings);
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++) {
      const routing = i % 7 === 0 ? { routing: `r${i % 5}` } : {};
      lines.push(
        JSON.stringify({ index: { _index: index, _id: `p${i}`, ...routing } }),
        JSON.stringify({ n: i }),
      );
    }
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-deletes-')), 'ledger.db'));
    const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
    const sync = { ledger, applier, close: () => ledger.close() };
    const bounds = await captureBounds(c.source, index);
    ledger.commit({ marks: bounds.marks, histories: bounds.histories });
    const copied = await backfillIndex({
      source: c.source,
      index,
      applier,
      progress: silentProgress,
      cursors: {},
      onCursor: async () => undefined,
    });
    assert.equal(copied.written, DOCS);

    const sample = await c.source.search(index, {
      size: 60,
      explain: true,
      _source: false,
      query: { ids: { values: Array.from({ length: 60 }, (_, i) => `p${i * 97}`) } },
    });
    for (const hit of sample.hits.hits as { _id: string; _shard?: string }[]) {
      const shard = Number(/\[(\d+)\]$/.exec(hit._shard ?? '')?.[1]);
      assert.equal(ledger.get(hit._id)?.shard, shard, `shard of ${hit._id}`);
    }

    const deleted = Array.from({ length: 25 }, (_, i) => `p${(i * 211 + 13) % DOCS}`).filter(
      (id) => id !== 'p0',
    );
    const body: string[] = [];
    for (const id of deleted) {
      const n = Number(id.slice(1));
      const routing = n % 7 === 0 ? { routing: `r${n % 5}` } : {};
      body.push(JSON.stringify({ delete: { _index: index, _id: id, ...routing } }));
    }
    for (let i = 1; i <= 10; i++) {
      const n = i * 3 + 1;
      const routing = n % 7 === 0 ? { routing: `r${n % 5}` } : {};
      body.push(
        JSON.stringify({ index: { _index: index, _id: `p${n}`, ...routing } }),
        JSON.stringify({ n: -i }),
      );
    }
    body.push(JSON.stringify({ delete: { _index: index, _id: 'p0', routing: 'r0' } }));
    assert.equal((await c.source.bulk(`${body.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const recreate = `${JSON.stringify({ index: { _index: index, _id: 'p0', routing: 'r0' } })}\n{"n":-2000}\n`;
    assert.equal((await c.source.bulk(recreate, { refresh: 'true' })).errors, false);

    const round = await catchUp({ source: c.source, index, sync, scanDeletes: true });
    // A document deleted and then written again in the same bulk (p13) is no delete.
    const updated = new Set(Array.from({ length: 10 }, (_, i) => `p${(i + 1) * 3 + 1}`));
    assert.equal(round.deletesFound, new Set(deleted.filter((id) => !updated.has(id))).size);
    assert.equal(round.unknownOnSource, 0, round.unknownIds.join(', '));
    assert.ok(round.scanRequests < 80, `the scan sent ${round.scanRequests} requests`);
    t.diagnostic(
      `${DOCS} documents, ${round.deletesFound} deletes found with ${round.scanRequests} source requests`,
    );
    assertSameDocuments(await allDocs(c.dest, index), await allDocs(c.source, index), 'dest after the scan');
    const quiet = await catchUp({ source: c.source, index, sync, scanDeletes: true });
    assert.equal(quiet.deletesFound, 0);
    assert.equal(quiet.scanRequests, 3, 'with nothing deleted, one count per shard');
    // The sync step's rounds remember the shards a scan found clean with every operation done: while their
    // source position stands still nothing can have been deleted, and no scan request is sent at all.
    const quietShards: QuietShards = new Map();
    assert.equal(
      (await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards })).scanRequests,
      3,
    );
    const still = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(still.scanRequests, 0, 'no source change: no shard scanned');
    assert.deepEqual(
      still.scannedMarks,
      still.marks,
      'the skipped shards count as scanned up to their marks',
    );
    // Writes only (new documents and overwrites): every operation left a document at its own _seq_no, so no
    // delete can hide among them and the scan stays skipped, while the writes arrive.
    const writes: string[] = [];
    for (let i = 0; i < 5; i++)
      writes.push(
        JSON.stringify({ index: { _index: index, _id: `w${i}` } }),
        JSON.stringify({ n: 10_000 + i }),
      );
    for (const n of [2, 5, 8])
      writes.push(JSON.stringify({ index: { _index: index, _id: `p${n}` } }), JSON.stringify({ n: -n }));
    assert.equal((await c.source.bulk(`${writes.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const written = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(written.changes, 8);
    assert.equal(written.scanRequests, 0, 'writes only: no shard scanned');
    assertSameDocuments(
      await allDocs(c.dest, index),
      await allDocs(c.source, index),
      'dest after writes only',
    );
    // A delete with a write beside it in the same window: the window has an operation without a document.
    const deleteP1 = `${JSON.stringify({ delete: { _index: index, _id: 'p1' } })}\n${JSON.stringify({ index: { _index: index, _id: 'p1b' } })}\n{"n":1}\n`;
    assert.equal((await c.source.bulk(deleteP1, { refresh: 'true' })).errors, false);
    const one = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(one.deletesFound, 1, 'a delete moves its shard: scanned again');
    assert.ok(one.scanRequests < 10, `${one.scanRequests} requests for one delete on one shard`);
    // The delete explained the difference the scan found and is applied: the shard counts as clean again, so a
    // round of writes only after it sends no scan request.
    const after = `${JSON.stringify({ index: { _index: index, _id: 'p2' } })}\n{"n":-22}\n`;
    assert.equal((await c.source.bulk(after, { refresh: 'true' })).errors, false);
    const calm = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(calm.changes, 1);
    assert.equal(calm.scanRequests, 0, 'clean again after its delete was applied');
    // Rounds without a scan (the sync step scans every --reconcile-seconds) carry the clean mark on through
    // windows without a gap, and drop it at a window with one.
    const more = `${JSON.stringify({ index: { _index: index, _id: 'p5' } })}\n{"n":-55}\n`;
    assert.equal((await c.source.bulk(more, { refresh: 'true' })).errors, false);
    await catchUp({ source: c.source, index, sync, scanDeletes: false, quietShards });
    const carried = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(carried.scanRequests, 0, 'a write-only round without a scan keeps the shards clean');
    const gone = `${JSON.stringify({ delete: { _index: index, _id: 'p8' } })}\n`;
    assert.equal((await c.source.bulk(gone, { refresh: 'true' })).errors, false);
    await catchUp({ source: c.source, index, sync, scanDeletes: false, quietShards });
    const found = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
    assert.equal(found.deletesFound, 1, 'a delete in a round without a scan is found by the next scan');
    assertSameDocuments(
      await allDocs(c.dest, index),
      await allDocs(c.source, index),
      'dest after the rounds',
    );

    // A capture that skipped a new document (its mark moved past it) is caught by the count and read again.
    const missed = `${JSON.stringify({ index: { _index: index, _id: 'missed' } })}\n{"n":-1000}\n`;
    assert.equal((await c.source.bulk(missed, { refresh: 'true' })).errors, false);
    // Only its own shard's mark moves past it, and only once everything else there is applied.
    const hit = (
      await c.source.search(index, {
        explain: true,
        seq_no_primary_term: true,
        _source: false,
        query: { ids: { values: ['missed'] } },
      })
    ).hits.hits[0] as { _seq_no?: number; _shard?: string };
    const shard = Number(/\[(\d+)\]$/.exec(hit._shard ?? '')?.[1]);
    assert.equal(ledger.marks()[shard], (hit._seq_no ?? 0) - 1, 'everything before it is applied');
    ledger.commit({ marks: { [shard]: hit._seq_no ?? 0 } });
    const noticed = await catchUp({ source: c.source, index, sync, scanDeletes: true });
    assert.equal(noticed.unknownOnSource, 1, 'the skipped document is noticed');
    await catchUp({ source: c.source, index, sync, scanDeletes: true });
    assert.deepEqual((await allDocs(c.dest, index)).get('missed')?.source, { n: -1000 });
    ledger.close();
  });
});
