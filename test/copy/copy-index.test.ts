// copyIndex on real clusters: every document arrives with its id, routing, version and exact source bytes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectReadContext } from '../../src/cluster/read-context.js';
import { copyIndex, startCopyIndex } from '../../src/copy/copy-index.js';
import { createDestIndexFrom } from '../../src/copy/dest-index.js';
import type { SliceCursor } from '../../src/copy/types.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocs, bulkOk, DOCS, seedSource } from './copy-fixtures.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('copyIndex', () => {
  for (const mode of ['detected', 'scroll'] as const) {
    it(`copies every document, id, routing, version and source byte for byte (${mode} reader)`, async (t) => {
      const index = uniqueName('copy');
      await seedSource(c.source, index);
      const changes = await createDestIndexFrom(c.source, c.dest, index, index);
      t.diagnostic(
        `read context: ${mode === 'scroll' ? 'scroll' : await detectReadContext(c.source)}; settings changed: ${changes.map((x) => x.setting).join(', ')}`,
      );
      const cursors: SliceCursor[] = [];
      const result = await copyIndex({
        source: c.source,
        dest: c.dest,
        sourceIndex: index,
        destIndex: index,
        slices: 4,
        pageSize: 200,
        batchBytes: 64 * 1024,
        concurrency: 3,
        ...(mode === 'scroll' ? { readContext: 'scroll' as const } : {}),
        onCursor: (cursor) => cursors.push(cursor),
      });
      const expected = DOCS + 1;
      assert.equal(result.docs, expected);
      assert.equal(result.read, expected);
      assert.equal(result.dropped, 0);
      assert.equal(result.skippedOlder, 0);
      assert.ok(result.slices >= 4);
      const doneSlices = new Set(cursors.filter((x) => x.done).map((x) => x.slice));
      assert.equal(doneSlices.size, result.slices, 'every slice reported a final cursor');
      const [src, dst] = await Promise.all([allDocs(c.source, index), allDocs(c.dest, index)]);
      assertSameDocs(src, dst);
      assert.equal(dst.get('ext-1')?.version, 42);
      assert.ok(dst.get('d14')!.version >= 3);
      assert.match(dst.get('d1')!.source, /"big":1234567890123456781\b/);
      // The destination was created from the source: same shards and analysis.
      const settings = await c.dest.getIndexSettings(index);
      assert.equal(settings['index.number_of_shards'], '3');
      assert.equal(settings['index.analysis.analyzer.folded.tokenizer'], 'standard');
    });
  }

  it('copies again as "skipped_older" only, never moving a document backwards', async () => {
    const index = uniqueName('again');
    await seedSource(c.source, index, 500);
    await createDestIndexFrom(c.source, c.dest, index, index);
    await copyIndex({ source: c.source, dest: c.dest, sourceIndex: index, destIndex: index });
    // A newer write on the destination (external version 100) must survive a second copy.
    await c.dest.json({
      method: 'PUT',
      path: `/${index}/_doc/d3`,
      query: { version: 100, version_type: 'external', refresh: true },
      body: { n: 3, dest: true },
    });
    const again = await copyIndex({ source: c.source, dest: c.dest, sourceIndex: index, destIndex: index });
    assert.equal(again.docs, 0);
    assert.equal(again.skippedOlder, 501);
    const d3 = await c.dest.json<{ _version: number; _source: { dest?: boolean } }>({
      method: 'GET',
      path: `/${index}/_doc/d3`,
    });
    assert.equal(d3._version, 100);
    assert.equal(d3._source.dest, true);
  });

  it('copies only the documents changed since a _seq_no watermark (catch-up pass)', async () => {
    const index = uniqueName('catchup');
    await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    let body = '';
    for (let i = 0; i < 300; i++) body += `{"index":{"_index":"${index}","_id":"d${i}"}}\n{"n":${i}}\n`;
    await bulkOk(c.source, body);
    await createDestIndexFrom(c.source, c.dest, index, index);
    await c.source.refresh(index);
    await copyIndex({ source: c.source, dest: c.dest, sourceIndex: index, destIndex: index });
    const [watermark] = await c.source.shardSeqNos(index);
    await bulkOk(
      c.source,
      ['d5', 'd50', 'new']
        .map((id) => `{"index":{"_index":"${index}","_id":"${id}"}}\n{"changed":true}\n`)
        .join(''),
    );
    await c.source.refresh(index);
    const result = await copyIndex({
      source: c.source,
      dest: c.dest,
      sourceIndex: index,
      destIndex: index,
      query: { range: { _seq_no: { gt: watermark!.maxSeqNo } } },
    });
    assert.equal(result.read, 3);
    assert.equal(result.docs, 3);
    assertSameDocs(await allDocs(c.source, index), await allDocs(c.dest, index));
  });

  it('resumes from saved cursors after an abort and ends with every document', async () => {
    const index = uniqueName('resume');
    await seedSource(c.source, index);
    await createDestIndexFrom(c.source, c.dest, index, index);
    const saved = new Map<number, SliceCursor>();
    const job = startCopyIndex({
      source: c.source,
      dest: c.dest,
      sourceIndex: index,
      destIndex: index,
      slices: 3,
      pageSize: 100,
      batchBytes: 16 * 1024,
      concurrency: 1,
      // Slow enough that the abort lands mid-copy whatever the machine's speed.
      maxDocsPerSecond: 1_000,
      onCursor: (cursor) => {
        saved.set(cursor.slice, cursor);
        job.abort();
      },
    });
    const first = await job.done;
    assert.equal(first.aborted, true);
    assert.ok(first.docs < DOCS, `aborted early (${first.docs} written)`);
    const second = await copyIndex({
      source: c.source,
      dest: c.dest,
      sourceIndex: index,
      destIndex: index,
      resume: [...saved.values()],
    });
    assert.equal(second.dropped, 0);
    if (second.readContext === 'scroll') {
      // Scroll slices start again; what the first run wrote comes back as skipped, not written twice.
      assert.equal(second.docs + second.skippedOlder, second.read);
    } else {
      // A point-in-time slice continues after its saved cursor: what the first run settled is not read again.
      assert.ok(second.read < DOCS + 1, `second run read ${second.read}`);
    }
    assertSameDocs(await allDocs(c.source, index), await allDocs(c.dest, index));
  });

  it('hands documents without _source to the caller instead of writing empty ones', async () => {
    const index = uniqueName('nosource');
    await c.source.createIndex(index, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { _source: { enabled: false } },
    });
    await bulkOk(c.source, `{"index":{"_index":"${index}","_id":"a"}}\n{"n":1}\n`);
    await c.source.refresh(index);
    await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const result = await copyIndex({ source: c.source, dest: c.dest, sourceIndex: index, destIndex: index });
    assert.equal(result.withoutSource, 1);
    assert.equal(result.docs, 0);
  });
});
