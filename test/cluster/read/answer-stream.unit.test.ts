// The pieces that keep memory bounded by bytes: the answer splitter (elements cut out of chunks, wherever the
// chunks break), the byte budget (a large document alone, first come first served), the page sizer, and the
// hash of a `_source` read off its text (equal to the hash of the parsed document).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ElementSplitter, elementText } from '../../../src/cluster/read/answer-stream.js';
import { ByteBudget } from '../../../src/cluster/read/byte-budget.js';
import { PageSizer, scrollPageSize } from '../../../src/cluster/read/page-sizer.js';
import { splitHit } from '../../../src/cluster/read/raw-hits.js';
import { sourceHash, sourceTextHash } from '../../../src/verify/source-hash.js';

function split(
  text: string,
  chunk: number,
  array: 'hits' | 'docs' = 'hits',
): { elements: string[]; rest: string } {
  const s = new ElementSplitter(array);
  const bytes = Buffer.from(text);
  const elements: string[] = [];
  for (let i = 0; i < bytes.length; i += chunk)
    for (const e of s.push(bytes.subarray(i, i + chunk))) elements.push(elementText(e));
  return { elements, rest: s.finish() };
}

const hits = [
  { _id: 'a', _version: 3, _seq_no: 7, _source: { t: 'ü "quoted" {not} [an] \\ array', n: [1, { x: '}' }] } },
  { _id: 'b}', _routing: 'r', _source: { hits: { hits: [1] } } },
  { _id: 'c', _version: 1 },
];
const answer = JSON.stringify({
  _scroll_id: 'x'.repeat(300),
  took: 1,
  _shards: { total: 1, successful: 1, failed: 0 },
  hits: { total: { value: 3 }, hits },
});

describe('answer splitter', () => {
  it('cuts each hit out whole, whatever the chunk size, and keeps the rest parseable', () => {
    for (const chunk of [1, 2, 3, 7, 64, 100_000]) {
      const { elements, rest } = split(answer, chunk);
      assert.deepEqual(
        elements.map((e) => JSON.parse(e)),
        hits,
        `chunk ${chunk}`,
      );
      const parsed = JSON.parse(rest) as { _scroll_id: string; hits: { hits: unknown[] } };
      assert.equal(parsed._scroll_id, 'x'.repeat(300));
      assert.deepEqual(parsed.hits.hits, [0, 0, 0]);
    }
  });

  it('counts the bytes of an element still arriving, and none once it is whole', () => {
    const s = new ElementSplitter('hits');
    const bytes = Buffer.from(answer);
    const cut = answer.indexOf('"_source"');
    assert.deepEqual(s.push(bytes.subarray(0, cut)), []);
    assert.ok(s.partialBytes > 0 && s.partialBytes < cut);
    s.push(bytes.subarray(cut));
    assert.equal(s.partialBytes, 0);
    assert.equal(s.count, 3);
  });

  it('finds mget docs, and an empty hit list', () => {
    const docs = [
      { _id: '1', found: true, _source: { a: 1 } },
      { _id: '2', found: false },
    ];
    assert.deepEqual(
      split(JSON.stringify({ docs }), 5, 'docs').elements.map((e) => JSON.parse(e)),
      docs,
    );
    assert.deepEqual(split(JSON.stringify({ hits: { hits: [] } }), 3).elements, []);
  });

  it('splits a hit into its fields and the raw text of its _source', () => {
    const text = JSON.stringify(hits[0]);
    const { meta, source } = splitHit(text);
    assert.equal(meta._id, 'a');
    assert.equal(meta._version, 3);
    assert.equal(source, JSON.stringify(hits[0]!._source));
    assert.equal(splitHit(JSON.stringify(hits[2])).source, undefined);
  });
});

describe('byte budget', () => {
  it('lets a document larger than the budget through alone, and serves waiters in order', async () => {
    const b = new ByteBudget(100);
    assert.equal(b.tryTake(60), true);
    assert.equal(b.tryTake(60), false);
    const order: string[] = [];
    const big = b.take(500).then(() => order.push('big'));
    const small = b.take(10).then(() => order.push('small'));
    b.give(60);
    await big;
    assert.deepEqual(order, ['big']);
    assert.equal(b.held, 500);
    b.give(500);
    await small;
    assert.deepEqual(order, ['big', 'small']);
  });
});

describe('page sizer', () => {
  it('starts small, doubles at most, and follows the bytes per document', () => {
    const s = new PageSizer(1000, 16 * 1024 * 1024);
    assert.equal(s.next(), 100);
    s.observe(100, 100 * 200);
    assert.equal(s.next(), 200);
    s.observe(200, 200 * 20 * 1024 * 1024);
    assert.equal(s.next(), 1);
  });
});

describe('scroll page size', () => {
  it('follows the stored bytes per document: a thousand small ones, one of 20 MB', () => {
    assert.equal(scrollPageSize(1000, 200), 1000);
    assert.equal(scrollPageSize(1000, 40_000), 104);
    assert.equal(scrollPageSize(1000, 20 * 1024 * 1024), 1);
    assert.equal(scrollPageSize(1000, 0), 1000);
  });
});

describe('source hash from text', () => {
  it('equals the hash of the parsed document, for documents of every shape', () => {
    const samples: unknown[] = [
      {
        b: 1,
        a: [1, 2.5, -0, 1e21, 1.0, { z: null, y: true }],
        c: 'x\\u00e9\\n"q"',
        pad: 'p'.repeat(300_000),
      },
      { dup: 1, long: 'é'.repeat(300_000), nested: { k: [[], {}, '', 0.1] }, esc: 'a\n\t\u2028\u{1F600}' },
      { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `row ${i}`, f: i / 7 })) },
      // Objects inside arrays inside objects, keys out of order at every depth, written from where they stand.
      { z: { y: [{ b: { d: 1, c: [2, { f: 'x', e: 'y' }] }, a: 'p'.repeat(300_000) }], x: {} }, a: [[{}]] },
    ];
    for (const doc of samples) {
      const text = JSON.stringify(doc, null, 1);
      assert.equal(sourceTextHash(text), sourceHash(JSON.parse(text)));
    }
    // A repeated key: the last one wins, as in JSON.parse.
    const repeated = `{"a":1,"b":"${'y'.repeat(300_000)}","a":2}`;
    assert.equal(sourceTextHash(repeated), sourceHash(JSON.parse(repeated)));
  });
});
