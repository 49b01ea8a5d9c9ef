// The live backfill on real clusters (one slice per shard, point-in-time or scroll as the engine has): every
// document arrives with its id, routing and exact source bytes; a stopped backfill resumes from its saved cursors;
// a second pass over the same ledger writes nothing and leaves a client's newer write alone; documents without
// `_source` are counted, never written empty.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CopyHit, SliceCursor } from '../../src/cluster/read/hits.js';
import { silentProgress } from '../../src/core/progress.js';
import { createDestIndexFrom } from '../../src/plan/dest-index.js';
import { Applier } from '../../src/sync/applier.js';
import { type BackfillOptions, backfillIndex } from '../../src/sync/backfill.js';
import { captureBounds } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, bulkOk, DOCS, seedSource } from '../harness/copy-fixtures.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

/** A ledger with the source's marks, and the options of a backfill from `index` to the same name on the dest. */
async function backfillSetup(index: string): Promise<{ ledger: Ledger; options: BackfillOptions }> {
  const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-backfill-')), 'ledger.db'));
  const bounds = await captureBounds(c.source, index);
  ledger.commit({ marks: bounds.marks, histories: bounds.histories });
  const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
  return {
    ledger,
    options: {
      source: c.source,
      index,
      applier,
      progress: silentProgress,
      cursors: {},
      onCursor: async () => undefined,
      pageSize: 200,
    },
  };
}

/** The backfill's own contract: same ids, routing and source bytes (the dest's `_version` is its own counter). */
function assertCopied(source: Map<string, CopyHit>, dest: Map<string, CopyHit>): void {
  assert.equal(dest.size, source.size, 'document count');
  for (const [id, s] of source) {
    const d = dest.get(id);
    assert.ok(d, `missing on dest: ${id}`);
    assert.equal(d.routing, s.routing, `routing of ${id}`);
    assert.equal(d.source, s.source, `source bytes of ${id}`);
  }
}

describe('live backfill', () => {
  it('copies every document, routing and source byte for byte, into a dest made from the source', async (t) => {
    const index = uniqueName('backfill');
    await seedSource(c.source, index);
    const changes = await createDestIndexFrom(c.source, c.dest, index, index);
    const { ledger, options } = await backfillSetup(index);
    try {
      const cursors: SliceCursor[] = [];
      const result = await backfillIndex({
        ...options,
        onCursor: async (cursor) => void cursors.push(cursor),
      });
      t.diagnostic(
        `read context: ${result.readContext}; settings changed: ${changes.map((x) => x.setting).join(', ')}`,
      );
      const expected = DOCS + 1;
      assert.equal(result.read, expected);
      assert.equal(result.written, expected);
      assert.equal(result.skipped + result.conflicts, 0);
      assert.equal(result.slices, 3, 'one slice per shard');
      assert.equal(
        new Set(cursors.filter((x) => x.done).map((x) => x.slice)).size,
        3,
        'every slice finished',
      );
      assert.equal(ledger.counts().written, expected);
      const [src, dst] = await Promise.all([allDocs(c.source, index), allDocs(c.dest, index)]);
      assertCopied(src, dst);
      assert.match(dst.get('d1')!.source, /"big":1234567890123456781\b/);
      // The destination was created from the source: same shards and analysis.
      const settings = await c.dest.getIndexSettings(index);
      assert.equal(settings['index.number_of_shards'], '3');
      assert.equal(settings['index.analysis.analyzer.folded.tokenizer'], 'standard');
    } finally {
      ledger.close();
    }
  });

  it('stopped between pages, resumes from its saved cursors and ends with every document once', async (t) => {
    const index = uniqueName('resume');
    await seedSource(c.source, index);
    await createDestIndexFrom(c.source, c.dest, index, index);
    const { ledger, options } = await backfillSetup(index);
    try {
      const saved: Record<number, SliceCursor> = {};
      let pages = 0;
      const first = await backfillIndex({
        ...options,
        pageSize: 100,
        onCursor: async (cursor) => {
          saved[cursor.slice] = cursor;
          pages++;
        },
        stopRequested: async () => pages >= 3,
      });
      assert.equal(first.stopped, true);
      assert.ok(first.written < DOCS, `stopped early (${first.written} written)`);
      const second = await backfillIndex({ ...options, cursors: saved });
      t.diagnostic(
        `${second.readContext}: first run wrote ${first.written}, second read ${second.read}, skipped ${second.skipped}`,
      );
      assert.equal(second.stopped, false);
      assert.equal(first.written + second.written, DOCS + 1, 'every document written exactly once');
      if (second.readContext === 'scroll')
        // A scroll slice starts again: what the first run wrote comes back as skipped through the ledger.
        assert.equal(second.written + second.skipped, second.read);
      // A point-in-time slice continues after its saved cursor: what the first run settled is not read again.
      else assert.ok(second.read < DOCS + 1, `second run read ${second.read}`);
      assertCopied(await allDocs(c.source, index), await allDocs(c.dest, index));
    } finally {
      ledger.close();
    }
  });

  it('a second pass over the same ledger writes nothing, and a client write on the dest stays', async () => {
    const index = uniqueName('again');
    await seedSource(c.source, index, 500);
    await createDestIndexFrom(c.source, c.dest, index, index);
    const { ledger, options } = await backfillSetup(index);
    try {
      await backfillIndex(options);
      // A client writes on the dest (an application that moved early).
      await c.dest.json({
        method: 'PUT',
        path: `/${index}/_doc/d3`,
        query: { refresh: 'true' },
        body: { n: 3, dest: true },
      });
      const again = await backfillIndex(options);
      assert.equal(again.written, 0);
      assert.equal(again.skipped, 501);
      const d3 = await c.dest.json<{ _source: { dest?: boolean } }>({
        method: 'GET',
        path: `/${index}/_doc/d3`,
      });
      assert.equal(d3._source.dest, true);
    } finally {
      ledger.close();
    }
  });

  it('counts documents without _source instead of writing empty ones', async () => {
    const index = uniqueName('nosource');
    await c.source.createIndex(index, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { _source: { enabled: false } },
    });
    await bulkOk(c.source, `{"index":{"_index":"${index}","_id":"a"}}\n{"n":1}\n`);
    await c.source.refresh(index);
    await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const { ledger, options } = await backfillSetup(index);
    try {
      const result = await backfillIndex(options);
      assert.equal(result.withoutSource, 1);
      assert.equal(result.written, 0);
      await c.dest.refresh(index);
      assert.equal(await c.dest.count(index), 0);
    } finally {
      ledger.close();
    }
  });
});
