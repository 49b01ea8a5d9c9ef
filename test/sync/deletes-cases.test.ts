// Every kind of source delete reaches the destination through the counting scan alone (there is no listing
// reconciliation in the live path): a single delete, a bulk of them, delete_by_query (where the server has the
// reindex module; the reduced Elasticsearch 8/9 beds refuse it, and that refusal is pinned), a delete then a
// re-create of the same id, the same after `index.gc_deletes` expired (the version starts again at 1), and a
// planted missed capture, which the count finds above the ledger's and capture copies again.
// Each case compares every document of both sides after the rounds.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ClusterClient } from '../../src/cluster/client.js';
import { silentProgress } from '../../src/core/progress.js';
import { Applier } from '../../src/sync/applier.js';
import { backfillIndex } from '../../src/sync/backfill.js';
import { captureBounds } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import type { SyncSession } from '../../src/sync/open.js';
import { catchUp, type QuietShards, type RoundResult } from '../../src/sync/round.js';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 900;

interface Migrated {
  index: string;
  sync: SyncSession;
  /**
   * One catch-up round with the delete scan as the sync step runs it (shards found clean are skipped until their
   * source position moves), then both sides compared document by document.
   */
  round(label: string): Promise<RoundResult>;
}

/** A 3-shard source index of DOCS documents, backfilled through the ledger into the same index on the dest. */
async function migrated(extraSettings: Record<string, unknown> = {}): Promise<Migrated> {
  const index = uniqueName('deletes-case');
  const settings = { number_of_shards: 3, number_of_replicas: 0 };
  await c.source.createIndex(index, { settings: { ...settings, ...extraSettings } });
  await c.dest.createIndex(index, { settings });
  const lines: string[] = [];
  for (let i = 0; i < DOCS; i++)
    lines.push(JSON.stringify({ index: { _index: index, _id: `d${i}` } }), JSON.stringify({ n: i }));
  await bulkOk(c.source, lines);
  const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-deletes-case-')), 'ledger.db'));
  const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
  const sync: SyncSession = { ledger, applier, close: () => ledger.close() };
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
  const quietShards: QuietShards = new Map();
  return {
    index,
    sync,
    async round(label) {
      const r = await catchUp({ source: c.source, index, sync, scanDeletes: true, quietShards });
      assertSameDocuments(await allDocs(c.dest, index), await allDocs(c.source, index), label);
      return r;
    },
  };
}

async function bulkOk(client: ClusterClient, lines: string[]): Promise<void> {
  const res = await client.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
  assert.equal(res.errors, false, JSON.stringify(res.items.find((i) => Object.values(i)[0]?.error)));
}

const del = (index: string, id: string) => JSON.stringify({ delete: { _index: index, _id: id } });
const put = (index: string, id: string, n: number) => [
  JSON.stringify({ index: { _index: index, _id: id } }),
  JSON.stringify({ n }),
];

/** Several ticks of the node's cached clock. */
const GC_WAIT_MS = 1000;

describe('deletes reach the dest through the counting scan alone', () => {
  it('a single delete', async () => {
    const m = await migrated();
    await bulkOk(c.source, [del(m.index, 'd417')]);
    const r = await m.round('after one delete');
    assert.equal(r.deletesFound, 1);
    assert.equal(r.deleted, 1);
    assert.equal((await m.round('a quiet round')).deletesFound, 0);
    m.sync.close();
  });

  it('bulk deletes on every shard, with writes in the same bulks', async () => {
    const m = await migrated();
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i += 3) lines.push(del(m.index, `d${i}`));
    for (let i = 1; i < DOCS; i += 30) lines.push(...put(m.index, `d${i}`, -i));
    await bulkOk(c.source, lines);
    const r = await m.round('after 300 deletes');
    assert.equal(r.deletesFound, DOCS / 3);
    assert.equal(r.unknownOnSource, 0, r.unknownIds.join(', '));
    m.sync.close();
  });

  it('delete_by_query, or its refusal where the server has no reindex module', async (t) => {
    const m = await migrated();
    const query = { query: { range: { n: { gte: 100, lt: 250 } } } };
    const res = await c.source.request<{ deleted?: number }>({
      method: 'POST',
      path: `/${m.index}/_delete_by_query`,
      query: { refresh: 'true', conflicts: 'proceed' },
      body: query,
      okStatuses: [400, 404, 405],
    });
    if (!(await capabilities(c.source)).reindex) {
      // Elasticsearch 8/9 test beds: the endpoint does not exist, nothing is deleted, the scan finds nothing.
      t.diagnostic(`${c.sourceEngine}: _delete_by_query refused with ${res.status}`);
      assert.ok(res.status >= 400, `status ${res.status}`);
      assert.equal((await m.round('after the refused delete_by_query')).deletesFound, 0);
    } else {
      assert.equal(res.status, 200);
      assert.equal(res.body.deleted, 150);
      const r = await m.round('after delete_by_query');
      assert.equal(r.deletesFound, 150);
    }
    m.sync.close();
  });

  it('a delete then a re-create of the same id, across rounds and within one', async () => {
    const m = await migrated();
    await bulkOk(c.source, [del(m.index, 'd5')]);
    assert.equal((await m.round('after the delete')).deletesFound, 1);
    await bulkOk(c.source, put(m.index, 'd5', 5005));
    await m.round('after the re-create');
    // Both before one round: the id moved to a new _seq_no; the old one is no delete.
    await bulkOk(c.source, [del(m.index, 'd6')]);
    await bulkOk(c.source, put(m.index, 'd6', 6006));
    assert.equal((await m.round('after a delete and re-create in one round')).deletesFound, 0);
    m.sync.close();
  });

  it('a delete then a re-create after index.gc_deletes expired (the version starts again)', async (t) => {
    const m = await migrated({ 'index.gc_deletes': '0ms' });
    await bulkOk(c.source, [del(m.index, 'd7'), del(m.index, 'd8')]);
    assert.equal((await m.round('after the deletes')).deletesFound, 2);
    // The tombstones are pruned on a refresh once older than gc_deletes, as told by the node's cached clock, which
    // moves every 200 ms (thread_pool.estimated_time_interval): 50 ms was sometimes too short (version 3 seen).
    await new Promise((r) => setTimeout(r, GC_WAIT_MS));
    await c.source.refresh(m.index);
    await bulkOk(c.source, [del(m.index, 'd9')]);
    await new Promise((r) => setTimeout(r, GC_WAIT_MS));
    await c.source.refresh(m.index);
    await bulkOk(c.source, [...put(m.index, 'd7', 7007), ...put(m.index, 'd9', 9009)]);
    const versions = (await allDocs(c.source, m.index)).get('d7')?.version;
    t.diagnostic(`re-created d7 has source version ${versions}`);
    assert.equal(versions, 1, 'the tombstone was pruned: the re-created document starts at version 1');
    const r = await m.round('after re-creating past gc_deletes');
    assert.equal(r.deletesFound, 0, 'd9 was deleted and re-created before the scan saw it');
    await bulkOk(c.source, put(m.index, 'd7', 7008));
    await m.round('after updating the re-created document');
    m.sync.close();
  });

  it('a planted missed capture (a source document the ledger does not know) is found and copied again', async () => {
    const m = await migrated();
    // 1. A new source document whose shard's mark moved past it without capture reading it.
    await bulkOk(c.source, put(m.index, 'missed', -1));
    const hit = (
      await c.source.search(m.index, {
        explain: true,
        seq_no_primary_term: true,
        _source: false,
        query: { ids: { values: ['missed'] } },
      })
    ).hits.hits[0] as { _seq_no?: number; _shard?: string };
    const shard = Number(/\[(\d+)\]$/.exec(hit._shard ?? '')?.[1]);
    m.sync.ledger.commit({ marks: { [shard]: hit._seq_no ?? 0 } });
    // 2. A copied document whose ledger row is gone (the dest holds Ferry's copy).
    const db = new Database(m.sync.ledger.path);
    db.prepare('DELETE FROM docs WHERE id = ?').run('d11');
    db.close();
    const noticed = await m.round('after the count found them and they were copied again');
    assert.equal(noticed.unknownOnSource, 2, noticed.unknownIds.join(', '));
    assert.equal(noticed.deletesFound, 0);
    assert.equal(noticed.conflicts, 0, 'the dest copy with the same content is adopted, not a conflict');
    const repaired = await m.round('a round after the repair');
    assert.equal(repaired.unknownOnSource, 0, repaired.unknownIds.join(', '));
    assert.deepEqual((await allDocs(c.dest, m.index)).get('missed')?.source, { n: -1 });
    // The re-read rows are Ferry's again: a later source change and a delete still flow.
    await bulkOk(c.source, [...put(m.index, 'd11', 1111), del(m.index, 'missed')]);
    const later = await m.round('after changing the repaired documents');
    assert.equal(later.conflicts, 0);
    assert.equal(later.deletesFound, 1);
    m.sync.close();
  });
});
