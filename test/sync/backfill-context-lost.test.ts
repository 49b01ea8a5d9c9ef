// The live backfill survives losing its read context mid-read: a scroll the source dropped (Elasticsearch 7.10
// frees a scroll when a busy node refuses one of its pages; a saved scroll expires) or a point-in-time that is
// gone. Here the test itself clears the contexts between pages; every slice is read again and every document
// arrives exactly once (re-read ones are skipped through the ledger).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closePointInTime, detectReadContext } from '../../src/cluster/read-context.js';
import type { Progress } from '../../src/report/progress.js';
import { silentProgress } from '../../src/report/progress.js';
import { Applier } from '../../src/sync/applier.js';
import { backfillIndex } from '../../src/sync/backfill.js';
import { captureBounds } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 3000;
/** Pages (over all slices) after which the read contexts are taken away. */
const LOSE_AFTER_PAGES = [3, 14];

describe('live backfill after its read context is lost', () => {
  it('reads the slices again and copies every document exactly once', async (t) => {
    const index = uniqueName('ctxlost');
    const settings = { settings: { number_of_shards: 3, number_of_replicas: 0 } };
    await c.source.createIndex(index, settings);
    await c.dest.createIndex(index, settings);
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++)
      lines.push(JSON.stringify({ index: { _index: index, _id: `d${i}` } }), JSON.stringify({ n: i }));
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);

    const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-ctxlost-')), 'ledger.db'));
    const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
    const bounds = await captureBounds(c.source, index);
    ledger.commit({ marks: bounds.marks, histories: bounds.histories });
    const kind = await detectReadContext(c.source);
    const warnings: string[] = [];
    const progress: Progress = { ...silentProgress, warn: (m) => warnings.push(m) };
    let pages = 0;
    const closed = new Set<string>();
    try {
      const result = await backfillIndex({
        source: c.source,
        index,
        applier,
        progress,
        cursors: {},
        pageSize: 100,
        sleep: async () => undefined,
        onCursor: async (cursor) => {
          if (!LOSE_AFTER_PAGES.includes(++pages)) return;
          if (kind === 'scroll')
            await c.source.json({
              method: 'DELETE',
              path: '/_search/scroll/_all',
              what: 'clear every scroll',
            });
          else if (cursor.contextId && !closed.has(cursor.contextId)) {
            closed.add(cursor.contextId);
            await closePointInTime(c.source, kind, cursor.contextId);
          }
        },
      });
      t.diagnostic(
        `${kind}: ${pages} pages, ${result.sliceRestarts ?? 0} scroll restarts, ${warnings.length} warnings, ${result.skipped} re-read documents skipped`,
      );
      assert.ok(warnings.length >= 1, 'the lost context was reported');
      if (kind === 'scroll') assert.ok((result.sliceRestarts ?? 0) >= 1, 'a slice was read again');
      assert.equal(result.written, DOCS, 'every document written once');
      assert.equal(result.read, DOCS, 'what was read before a restart is not counted twice');
      assert.equal(ledger.counts().written, DOCS);
      await c.dest.refresh(index);
      assertSameDocuments(await allDocs(c.dest, index), await allDocs(c.source, index), 'dest vs source');
    } finally {
      ledger.close();
    }
  });
});
