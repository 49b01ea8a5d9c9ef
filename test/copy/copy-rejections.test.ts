// Nothing is lost when the destination rejects writes: a destination node with a one-thread, one-slot write
// queue answers concurrent bulks with 429 items, which the writer retries until every document is in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterClient } from '../../src/cluster/client.js';
import { copyIndex } from '../../src/copy/copy-index.js';
import { createDestIndexFrom } from '../../src/copy/dest-index.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { type ExtraNode, startExtraNode } from '../harness/extra-node.js';
import { allDocs, assertSameDocs, seedSource } from './copy-fixtures.js';

let c: TestClusters;
let tight: ExtraNode;
let dest: ClusterClient;
before(async () => {
  c = await testClusters();
  tight = await startExtraNode(c.destEngine, 1, {
    'thread_pool.write.size': 1,
    'thread_pool.write.queue_size': 1,
  });
  dest = await ClusterClient.connect({ url: tight.url });
});
after(async () => {
  await dest?.close();
  await tight?.stop();
  await c.close();
});

describe('copyIndex against a destination that rejects writes', () => {
  it('retries 429-rejected items until every document is copied', async (t) => {
    const index = uniqueName('reject');
    await seedSource(c.source, index, 6_000);
    await createDestIndexFrom(c.source, dest, index, index);
    const drops: string[] = [];
    const result = await copyIndex({
      source: c.source,
      dest,
      sourceIndex: index,
      destIndex: index,
      slices: 6,
      pageSize: 100,
      batchBytes: 8 * 1024,
      concurrency: 12,
      retry: { attempts: 30, baseDelayMs: 20, maxDelayMs: 500 },
      onDrop: (item) => drops.push(`${item.id}: ${item.status} ${item.errorType}`),
    });
    t.diagnostic(`retried ${result.retried} item writes in ${result.requests} bulk requests`);
    assert.deepEqual(drops, []);
    assert.ok(result.retried > 0, 'the destination rejected some writes');
    assert.equal(result.docs, 6_001);
    assertSameDocs(await allDocs(c.source, index), await allDocs(dest, index));
  });
});
