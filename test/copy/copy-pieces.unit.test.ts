// The pure pieces of the copy path: batching, batch-size adaptation, rate limit, slots, item outcomes,
// raw `_source` slicing, settings plan, slice count and cursor release. Clock and sleep are injected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextBatchBytes } from '../../src/copy/adaptive-batch.js';
import { Batcher, rebatch } from '../../src/copy/batcher.js';
import { bulkLines } from '../../src/copy/bulk-lines.js';
import { sliceCount } from '../../src/copy/copy-index.js';
import { CursorLedger } from '../../src/copy/cursor-ledger.js';
import { planDestSettings } from '../../src/copy/dest-index.js';
import { itemOutcome } from '../../src/copy/item-outcome.js';
import { RateLimiter } from '../../src/copy/rate-limiter.js';
import { parseRawPage, sliceSources } from '../../src/copy/raw-hits.js';
import { Slots } from '../../src/copy/slots.js';
import type { SliceCursor } from '../../src/copy/types.js';

describe('Batcher', () => {
  it('releases a batch when the byte limit is reached, keeping item order', () => {
    const b = new Batcher(10);
    assert.equal(b.add('a', 'aaaa\n'), undefined);
    const full = b.add('b', 'bbbbb\n');
    assert.ok(full);
    assert.equal(full.body.toString(), 'aaaa\nbbbbb\n');
    assert.deepEqual(
      full.items.map((i) => i.chunk.toString()),
      ['aaaa\n', 'bbbbb\n'],
    );
    assert.deepEqual(
      full.items.map((i) => i.id),
      ['a', 'b'],
    );
    assert.equal(b.size, 0);
    assert.equal(b.take(), undefined);
  });
  it('counts bytes, not characters, in the batch it hands out', () => {
    const b = new Batcher(1000);
    b.add('x', 'é\n');
    assert.equal(b.take()?.bytes, 3);
  });
  it('rebuilds a body from a subset of items for a retry', () => {
    const b = new Batcher(1000);
    b.add('a', 'A\n');
    b.add('b', 'é\n');
    b.add('c', 'C\n');
    const full = b.take()!;
    const batch = rebatch([full.items[1]!, full.items[2]!]);
    assert.equal(batch.body.toString(), 'é\nC\n');
    assert.equal(batch.bytes, 5);
    assert.deepEqual(
      batch.items.map((i) => `${i.id}:${i.chunk.toString()}`),
      ['b:é\n', 'c:C\n'],
    );
  });
});

describe('nextBatchBytes', () => {
  const limits = { minBytes: 100, maxBytes: 1000, targetMs: 1000 };
  it('grows while answers are fast and clean', () => {
    assert.ok(nextBatchBytes(400, { tookMs: 100, rejected: 0 }, limits) > 400);
  });
  it('halves on rejections or slow answers, never below the minimum', () => {
    assert.equal(nextBatchBytes(400, { tookMs: 100, rejected: 3 }, limits), 200);
    assert.equal(nextBatchBytes(400, { tookMs: 5000, rejected: 0 }, limits), 200);
    assert.equal(nextBatchBytes(150, { tookMs: 100, rejected: 1 }, limits), 100);
  });
  it('holds steady in the comfortable band and never exceeds the maximum', () => {
    assert.equal(nextBatchBytes(400, { tookMs: 700, rejected: 0 }, limits), 400);
    assert.equal(nextBatchBytes(990, { tookMs: 10, rejected: 0 }, limits), 1000);
  });
});

describe('RateLimiter', () => {
  it('spaces batches to the documents-per-second limit and follows a new limit', async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(
      100,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    await limiter.take(50); // first batch leaves at once and books 500 ms
    await limiter.take(50);
    assert.deepEqual(slept, [500]);
    limiter.setRate(1000);
    await limiter.take(100);
    assert.deepEqual(slept, [500, 500]);
    limiter.setRate(undefined);
    await limiter.take(1_000_000);
    assert.equal(slept.length, 2);
  });
});

describe('Slots', () => {
  it('holds callers beyond the size and wakes them when the size grows', async () => {
    const slots = new Slots(1);
    await slots.acquire();
    let second = false;
    const waiting = slots.acquire().then(() => {
      second = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false);
    slots.setSize(2);
    await waiting;
    assert.equal(slots.busy, 2);
    slots.release();
    slots.release();
    await slots.idle();
    assert.equal(slots.busy, 0);
  });
});

describe('itemOutcome', () => {
  it('sorts bulk item answers by status and error type', () => {
    const item = (status: number, type?: string) => ({
      _index: 'i',
      _id: '1',
      status,
      ...(type ? { error: { type, reason: 'r' } } : {}),
    });
    assert.equal(itemOutcome(item(201)), 'written');
    assert.equal(itemOutcome(item(200)), 'written');
    assert.equal(itemOutcome(item(409, 'version_conflict_engine_exception')), 'skipped_older');
    assert.equal(itemOutcome(item(429, 'es_rejected_execution_exception')), 'retry');
    assert.equal(itemOutcome(item(500, 'es_rejected_execution_exception')), 'retry');
    assert.equal(itemOutcome(item(400, 'mapper_parsing_exception')), 'drop');
    assert.equal(itemOutcome(undefined), 'drop');
  });
});

describe('raw _source slicing', () => {
  it('returns each _source exactly as sent, braces and quotes in strings included', () => {
    const sources = [
      '{"a":"}{\\"_source\\":{","n":1234567890123456789}',
      '{"_source":{"nested":true},"b":[{"c":"\\\\"}]}',
    ];
    const text = `{"took":1,"hits":{"hits":[{"_id":"1","_version":3,"_routing":"r","_source":${sources[0]},"sort":[1]},{"_id":"2","_version":1,"_source":${sources[1]},"sort":[2]}]}}`;
    assert.deepEqual(sliceSources(text, 2), sources);
    const page = parseRawPage(text);
    assert.deepEqual(
      page.hits.map((h) => [h.id, h.routing, h.version, h.source]),
      [
        ['1', 'r', 3, sources[0]],
        ['2', undefined, 1, sources[1]],
      ],
    );
    assert.deepEqual(page.lastSort, [2]);
  });
  it('reports hits without _source instead of inventing one', () => {
    const page = parseRawPage(
      '{"hits":{"hits":[{"_id":"1","_version":1},{"_id":"2","_version":1,"_source":{}}]}}',
    );
    assert.deepEqual(page.withoutSource, ['1']);
    assert.deepEqual(
      page.hits.map((h) => h.source),
      ['{}'],
    );
  });
  it('builds an external-version index action keeping id and routing', () => {
    const lines = bulkLines('dst', { id: 'x', routing: 'r', version: 7, seqNo: 3, source: '{"a":1}' });
    const [action, source] = lines.trimEnd().split('\n');
    assert.deepEqual(JSON.parse(action!), {
      index: { _index: 'dst', _id: 'x', version: 7, version_type: 'external', routing: 'r' },
    });
    assert.equal(source, '{"a":1}');
  });
});

describe('planDestSettings', () => {
  it('keeps shards and analysis, drops server-owned and cluster-bound settings with a reason', () => {
    const { settings, changes } = planDestSettings({
      'index.number_of_shards': '3',
      'index.analysis.analyzer.x.type': 'custom',
      'index.uuid': 'u',
      'index.creation_date': '1',
      'index.version.created': '7100299',
      'index.provided_name': 'p',
      'index.routing.allocation.include._name': 'node-1',
      'index.default_pipeline': 'pipe',
    });
    assert.deepEqual(settings, { 'index.number_of_shards': '3', 'index.analysis.analyzer.x.type': 'custom' });
    assert.equal(changes.length, 6);
    assert.ok(changes.every((c) => c.to === undefined && c.why.length > 0));
  });
});

describe('sliceCount', () => {
  it('reads at least one slice per shard on OpenSearch point-in-time, as asked elsewhere', () => {
    assert.equal(sliceCount('os-pit', 4, 2, undefined), 4);
    assert.equal(sliceCount('os-pit', 4, 8, undefined), 8);
    assert.equal(sliceCount('scroll', 4, 2, undefined), 2);
    assert.equal(sliceCount('es-pit', 3, undefined, undefined), 3);
  });
  it('keeps the slice count of the run being resumed', () => {
    const cursor: SliceCursor = {
      slice: 0,
      slices: 6,
      contextId: 'x',
      searchAfter: [1],
      read: 10,
      done: false,
    };
    assert.equal(sliceCount('scroll', 2, 2, [cursor]), 6);
  });
});

describe('CursorLedger', () => {
  it('hands a cursor on only when every document before it is settled', () => {
    const saved: number[] = [];
    const ledger = new CursorLedger((c) => saved.push(c.read));
    const cursor = (read: number): SliceCursor => ({
      slice: 0,
      slices: 1,
      contextId: undefined,
      searchAfter: undefined,
      read,
      done: false,
    });
    ledger.record(cursor(10), 10);
    ledger.record(cursor(20), 20);
    ledger.release(15);
    assert.deepEqual(saved, [10]);
    ledger.release(20);
    assert.deepEqual(saved, [10, 20]);
  });
});
