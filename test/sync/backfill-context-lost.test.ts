// The live backfill survives losing its read context mid-read: a scroll the source dropped (Elasticsearch 7.10
// frees a scroll when a busy node refuses one of its pages; a saved scroll expires) or a point-in-time that is
// gone. Here the test itself clears the contexts between pages; every slice is read again and every document
// arrives exactly once (re-read ones are skipped through the ledger). And a source that refuses pages as busy: a
// proxy in front of it answers every third search with a 429 before the cluster sees it, so the fault happens
// every time on every engine (a one-slot search pool fills or not with the machine's timing).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterClient } from '../../src/cluster/client.js';
import { closePointInTime, detectReadContext } from '../../src/cluster/read/read-context.js';
import type { Progress } from '../../src/core/progress.js';
import { silentProgress } from '../../src/core/progress.js';
import { Applier } from '../../src/sync/applier.js';
import { backfillIndex } from '../../src/sync/backfill.js';
import { captureBounds } from '../../src/sync/capture.js';
import { Ledger } from '../../src/sync/ledger.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { recordingProxy } from '../harness/recording-proxy.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 3000;
/** A source index of DOCS documents on 3 shards, and its empty dest index. */
async function seededPair(prefix: string): Promise<string> {
  const index = uniqueName(prefix);
  const settings = { settings: { number_of_shards: 3, number_of_replicas: 0 } };
  await c.source.createIndex(index, settings);
  await c.dest.createIndex(index, settings);
  const lines: string[] = [];
  for (let i = 0; i < DOCS; i++)
    lines.push(JSON.stringify({ index: { _index: index, _id: `d${i}` } }), JSON.stringify({ n: i }));
  assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
  return index;
}

/** Pages (over all slices) after which the read contexts are taken away. */
const LOSE_AFTER_PAGES = [3, 14];

describe('live backfill after its read context is lost', () => {
  it('reads the slices again and copies every document exactly once', async (t) => {
    const index = await seededPair('ctxlost');

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

const REFUSALS = 20;

/** The answer of a node whose search pool is full (the servers' own shape). */
const BUSY = {
  status: 429,
  body: {
    error: {
      root_cause: [{ type: 'es_rejected_execution_exception', reason: 'rejected execution (test proxy)' }],
      type: 'es_rejected_execution_exception',
      reason: 'rejected execution (test proxy)',
    },
    status: 429,
  },
};

describe('live backfill from a source that refuses pages as busy', () => {
  it('asks each refused page again, reads fewer slices at once, and copies every document once', async (t) => {
    const index = await seededPair('busysrc');
    let searches = 0;
    let refused = 0;
    const proxy = await recordingProxy(c.sourceUrl, undefined, (method, url) => {
      const path = url.split('?')[0] ?? '';
      // Page reads only: not a scroll's clear (DELETE), which the reader does best effort and does not count.
      if (method === 'DELETE' || (!path.endsWith('/_search') && !path.endsWith('/_search/scroll')))
        return undefined;
      // Every third search is refused, up to REFUSALS: enough to halve the readers and pages more than once.
      if (++searches % 3 !== 2 || refused >= REFUSALS) return undefined;
      refused++;
      return BUSY;
    });
    const source = await ClusterClient.connect({ url: proxy.url });
    const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-busysrc-')), 'ledger.db'));
    try {
      const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
      const bounds = await captureBounds(c.source, index);
      ledger.commit({ marks: bounds.marks, histories: bounds.histories });
      const warnings: string[] = [];
      const result = await backfillIndex({
        source,
        index,
        applier,
        progress: { ...silentProgress, warn: (m) => warnings.push(m) },
        cursors: {},
        pageSize: 100,
        sleep: async () => undefined,
        onCursor: async () => undefined,
      });
      const p = result.sourcePressure;
      t.diagnostic(
        `${result.readContext}: proxy refused ${refused} of ${searches} searches; backfill saw ${p?.searchRejections} refusals, ${p?.pageRetries} retries, slices down to ${p?.minReaders}, ${result.sliceRestarts ?? 0} restarts`,
      );
      assert.ok(refused > 0);
      assert.equal(refused, REFUSALS);
      assert.equal(p?.searchRejections, refused, 'every refusal was seen as busy');
      assert.ok((p?.minReaders ?? 3) < 3, 'fewer slices read at once');
      assert.ok(
        warnings.some((w) => w.includes('refused a search page as busy')),
        warnings.join('\n'),
      );
      assert.equal(result.sliceRestarts ?? 0, 0, 'a page refused whole is asked again, never its slice');
      assert.equal(result.read, DOCS, 'each document read once');
      assert.equal(result.written, DOCS, 'each document written once');
      assertSameDocuments(await allDocs(c.dest, index), await allDocs(c.source, index), 'dest vs source');
    } finally {
      ledger.close();
      await source.close();
      await proxy.close();
    }
  });
});
