import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inSample, partitionCount, partitionOf } from '../../src/verify/partition.js';
import { canonicalJson, sourceHash } from '../../src/verify/source-hash.js';
import { decodeRecord, encodeRecord } from '../../src/verify/spill.js';

describe('sourceHash', () => {
  it('does not depend on key order at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'z' } };
    const b = { a: { x: 'z', y: [1, { p: 2, q: 1 }] }, b: 1 };
    assert.equal(sourceHash(a), sourceHash(b));
    assert.equal(canonicalJson(a), '{"a":{"x":"z","y":[1,{"p":2,"q":1}]},"b":1}');
  });
  it('changes with any value, with array order and with types', () => {
    const base = sourceHash({ a: [1, 2], b: '1' });
    assert.notEqual(sourceHash({ a: [2, 1], b: '1' }), base);
    assert.notEqual(sourceHash({ a: [1, 2], b: 1 }), base);
    assert.notEqual(sourceHash({ a: [1, 2], b: '1', c: null }), base);
  });
});

describe('partitions and samples', () => {
  it('spreads ids evenly over partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 32_000; i++) counts[partitionOf(`doc-${i}`, 16)]!++;
    for (const c of counts) assert.ok(c > 1600 && c < 2400, `partition size ${c}`);
  });
  it('samples about the asked fraction, the same ids every time', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `id${i}`);
    const picked = ids.filter((id) => inSample(id, 0.1));
    assert.ok(picked.length > 1700 && picked.length < 2300, `sampled ${picked.length}`);
    assert.deepEqual(
      ids.filter((id) => inSample(id, 0.1)),
      picked,
    );
    assert.equal(ids.filter((id) => inSample(id, 1)).length, ids.length);
  });
  it('sizes partitions to the target and caps their number', () => {
    assert.equal(partitionCount(0, 100_000), 1);
    assert.equal(partitionCount(1_000_000, 100_000), 10);
    assert.equal(partitionCount(10_000_000_000, 100_000), 16_384);
  });
});

describe('spill records', () => {
  it('round-trip ids with any characters', () => {
    for (const r of [
      { id: 'a\tb\nc"\\é', routing: 'r\n', version: 3, seqNo: 9, hash: 'h' },
      { id: 'x', routing: undefined, version: 1, seqNo: undefined, hash: undefined },
    ]) {
      assert.deepEqual(decodeRecord(encodeRecord(r)), r);
    }
  });
});
