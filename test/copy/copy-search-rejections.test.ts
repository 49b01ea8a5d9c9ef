// A busy source slows the copy down instead of failing it: a source node with a one-thread, one-slot search
// queue refuses concurrent slice pages (429), which the readers ask again with fewer slices and smaller pages
// until every document is copied. More slices than shards: each still reads one shard (the engines'
// SliceBuilder), and every document arrives exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterClient } from '../../src/cluster/client.js';
import { detectReadContext } from '../../src/cluster/read-context.js';
import { copyIndex } from '../../src/copy/copy-index.js';
import { createDestIndexFrom } from '../../src/copy/dest-index.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { type ExtraNode, startExtraNode } from '../harness/extra-node.js';
import { allDocs, assertSameDocs, bulkOk } from './copy-fixtures.js';

const DOCS = 4_000;

// In the full matrix (FERRY_MATRIX=full) or with FERRY_TEST_SEARCH_REJECTIONS=1 (test/harness/test-scopes.ts): on
// the single-node opensearch-2 pair (point-in-time; 30-75 s with the extra node) and the single-node
// elasticsearch-7 pair (scroll; about 15 s); FERRY_TEST_SEARCH_REJECTIONS=1 runs it on any pair. On
// Elasticsearch 7 a refused scroll page drops the scroll, and its slice is read again from the start: restarts
// count against the copy's limit only while they read no further than before (one slice once ran out of a flat
// limit of 5 in CI).
const sourceEngine = process.env.FERRY_TEST_SOURCE_ENGINE;
const RUN =
  process.env.FERRY_TEST_SEARCH_REJECTIONS === '1' ||
  ((sourceEngine === 'opensearch-2' || sourceEngine === 'elasticsearch-7') &&
    process.env.FERRY_TEST_DEST_ENGINE === sourceEngine &&
    process.env.FERRY_TEST_SOURCE_NODES === '1');

let c: TestClusters;
let tight: ExtraNode;
let source: ClusterClient;
before(async () => {
  if (!RUN) return;
  c = await testClusters();
  tight = await startExtraNode(c.sourceEngine, 2, {
    'thread_pool.search.size': 1,
    'thread_pool.search.queue_size': 1,
  });
  source = await ClusterClient.connect({ url: tight.url });
});
after(async () => {
  await source?.close();
  await tight?.stop();
  await c?.close();
});

async function searchRejected(client: ClusterClient): Promise<number> {
  const body = await client.json<{
    nodes: Record<string, { thread_pool: { search: { rejected: number } } }>;
  }>({
    method: 'GET',
    path: '/_nodes/_local/stats/thread_pool',
  });
  return Object.values(body.nodes)[0]?.thread_pool.search.rejected ?? 0;
}

describe('copyIndex from a source that rejects searches', { skip: !RUN }, () => {
  it('reads less on 429s and still copies every document exactly once (6 slices on fewer shards)', async (t) => {
    const index = uniqueName('busysrc');
    const kind = await detectReadContext(source);
    // Point-in-time: two shards (a lone reader's page fits the pool, so only concurrent slices overflow it).
    // Scroll: one shard, as a scroll page refused on some shards only cannot be asked again (the others moved).
    const shards = kind === 'scroll' ? 1 : 2;
    await source.createIndex(index, { settings: { number_of_shards: shards, number_of_replicas: 0 } });
    let body = '';
    for (let i = 0; i < DOCS; i++) {
      const routing = i % 5 === 0 ? `,"routing":"r${i % 7}"` : '';
      body += `{"index":{"_index":"${index}","_id":"s${i}"${routing}}}\n{"n":${i},"pad":"${'x'.repeat(i % 300)}"}\n`;
    }
    await bulkOk(source, body);
    await source.refresh(index);
    await createDestIndexFrom(source, c.dest, index, index);
    const rejectedBefore = await searchRejected(source);
    const warnings: string[] = [];
    const result = await copyIndex({
      source,
      dest: c.dest,
      sourceIndex: index,
      destIndex: index,
      slices: 6,
      pageSize: 100,
      progress: {
        task: () => ({ update() {}, setTotal() {}, finish() {} }),
        info() {},
        warn: (message) => warnings.push(message),
      },
    });
    const rejected = (await searchRejected(source)) - rejectedBefore;
    t.diagnostic(
      `${kind}, ${shards} shard(s), ${result.read} documents read: node rejected ${rejected} shard searches; copy saw ${result.searchRejections} refused pages, ${result.pageRetries} retries, slices down to ${result.minReaders}, ${result.sliceRestarts} slice restarts; ${warnings.length} pace changes`,
    );
    assert.ok(rejected > 0, 'the source node rejected searches');
    assert.ok(result.searchRejections > 0, 'the copy counted the refused pages');
    assert.ok(result.minReaders < 6, 'the copy read with fewer slices');
    assert.ok(warnings.some((w) => w.includes('refused a search page as busy')));
    assert.equal(result.slices, 6);
    // Every document written once; a document read again only comes back as already there.
    assert.equal(result.docs, DOCS);
    assert.equal(result.docs + result.skippedOlder, result.read);
    // Point-in-time: each page is asked again from its last hit, so each document is read exactly once. A scroll
    // the server dropped when it refused a page (Elasticsearch 7) is read again from the start.
    if (kind !== 'scroll') {
      assert.equal(result.read, DOCS);
      assert.equal(result.sliceRestarts, 0, 'a point-in-time page is asked again, never its slice');
    }
    assertSameDocs(await allDocs(source, index), await allDocs(c.dest, index));
  });
});
