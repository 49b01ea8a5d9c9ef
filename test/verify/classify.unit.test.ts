import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyId, classifyPair, comparePartition } from '../../src/verify/classify.js';
import type { DocRecord } from '../../src/verify/types.js';

const rec = (id: string, version: number, routing?: string, hash?: string): DocRecord => ({
  id,
  version,
  routing,
  seqNo: 1,
  hash,
});

describe('classifyPair', () => {
  it('agrees on equal id, routing and version', () => {
    assert.equal(classifyPair(rec('a', 2), rec('a', 2), false), undefined);
  });
  it('names stale and newer_on_dest by version', () => {
    assert.equal(classifyPair(rec('a', 3), rec('a', 2), false), 'stale');
    assert.equal(classifyPair(rec('a', 2), rec('a', 3), false), 'newer_on_dest');
  });
  it('puts routing before version', () => {
    assert.equal(classifyPair(rec('a', 3, 'x'), rec('a', 2, 'y'), false), 'routing_differs');
    assert.equal(classifyPair(rec('a', 1, 'x'), rec('a', 1), false), 'routing_differs');
  });
  it('compares content only when deep', () => {
    assert.equal(classifyPair(rec('a', 1, undefined, 'h1'), rec('a', 1, undefined, 'h2'), false), undefined);
    assert.equal(
      classifyPair(rec('a', 1, undefined, 'h1'), rec('a', 1, undefined, 'h2'), true),
      'content_differs',
    );
    assert.equal(classifyPair(rec('a', 1, undefined, 'h1'), rec('a', 1, undefined, 'h1'), true), undefined);
  });
});

describe('classifyId', () => {
  it('pairs copies of one id by routing first, then as routing_differs, then missing/extra', () => {
    const out = classifyId(
      'a',
      [rec('a', 1, 'r1'), rec('a', 1, 'r2'), rec('a', 1, 'r3')],
      [rec('a', 1, 'r2'), rec('a', 1, 'r9')],
      false,
    );
    assert.deepEqual(
      out.map((d) => [d.class, d.source?.routing, d.dest?.routing]),
      [
        ['routing_differs', 'r1', 'r9'],
        ['missing', 'r3', undefined],
      ],
    );
    assert.deepEqual(
      classifyId('b', [], [rec('b', 1)], false).map((d) => d.class),
      ['extra'],
    );
  });
});

describe('comparePartition', () => {
  it('finds each planted difference exactly once, in id order', () => {
    const source = [
      rec('same', 1),
      rec('missing', 1),
      rec('stale', 4),
      rec('newer', 1),
      rec('routed', 1, 'a'),
      rec('content', 2, undefined, 'x'),
    ];
    const dest = [
      rec('extra', 1),
      rec('newer', 2),
      rec('stale', 3),
      rec('routed', 1, 'b'),
      rec('same', 1),
      rec('content', 2, undefined, 'y'),
    ];
    const out = comparePartition(source, dest, true);
    assert.deepEqual(
      out.map((d) => [d.id, d.class]),
      [
        ['content', 'content_differs'],
        ['extra', 'extra'],
        ['missing', 'missing'],
        ['newer', 'newer_on_dest'],
        ['routed', 'routing_differs'],
        ['stale', 'stale'],
      ],
    );
  });
  it('finds nothing between equal sides listed in different orders', () => {
    const records = Array.from({ length: 100 }, (_, i) =>
      rec(`d${i}`, (i % 3) + 1, i % 5 === 0 ? 'r' : undefined, `h${i}`),
    );
    assert.deepEqual(comparePartition(records, [...records].reverse(), true), []);
  });
});
