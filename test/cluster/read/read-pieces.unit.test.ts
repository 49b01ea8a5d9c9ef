// The pure pieces of reading: batch-size adaptation (the source's pressure), slots, raw `_source` slicing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextBatchBytes } from '../../../src/cluster/read/adaptive-batch.js';
import { parseRawPage, sliceSources } from '../../../src/cluster/read/raw-hits.js';
import { Slots } from '../../../src/cluster/read/slots.js';

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
});
