// ferry verify on real clusters: equal copies are equal, and every planted difference is found exactly once.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { currentCheckpoints, verifyIndices } from '../../src/verify/index.js';
import { inSample } from '../../src/verify/partition.js';
import type { ReportLine } from '../../src/verify/report-file.js';
import type { VerifyOptions, VerifyResult } from '../../src/verify/types.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { bulkOk, identicalPair } from './fixtures.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const noSleep = async () => {};

function verify(
  pair: { source: string; dest: string },
  extra: Partial<VerifyOptions> = {},
): Promise<VerifyResult> {
  // A tiny partition target makes even small test indices spread over many spill partitions.
  return verifyIndices({
    source: c.source,
    dest: c.dest,
    sourceIndex: pair.source,
    destIndex: pair.dest,
    partitionTarget: 50,
    sleep: noSleep,
    ...extra,
  });
}

async function reportLines(path: string): Promise<ReportLine[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReportLine);
}

const routeSome = (i: number) => (i % 3 === 0 ? `user-${i % 10}` : undefined);

/** Plants one difference of each kind on an identical pair; returns the expected class per id. */
async function plant(pair: { source: string; dest: string }): Promise<Record<string, string>> {
  // missing: d1 gone from dest. extra: a document only on dest.
  await c.dest.json({ method: 'DELETE', path: `/${pair.dest}/_doc/d1`, query: { refresh: true } });
  await bulkOk(c.dest, [
    { index: { _index: pair.dest, _id: 'only-on-dest' } },
    { n: -1, name: 'extra', tags: ['a'], nested: { x: 1, y: 'z' } },
  ]);
  // stale: d2 written again on the source after the copy.
  await bulkOk(c.source, [{ index: { _index: pair.source, _id: 'd2' } }, { n: 2, name: 'changed' }]);
  // newer_on_dest: d4 (routed by id) has a higher version on dest.
  await bulkOk(c.dest, [
    { index: { _index: pair.dest, _id: 'd4', version: 50, version_type: 'external' } },
    { n: 4, name: 'doc 4' },
  ]);
  // routing_differs: d5 copied under another routing (a higher version: the delete left a tombstone).
  await c.dest.json({ method: 'DELETE', path: `/${pair.dest}/_doc/d5`, query: { refresh: true } });
  await bulkOk(c.dest, [
    { index: { _index: pair.dest, _id: 'd5', routing: 'elsewhere', version: 10, version_type: 'external' } },
    { n: 5, name: 'doc 5', tags: ['a', 'b'], nested: { x: 5, y: 'z' } },
  ]);
  // content_differs: d6 (custom routing user-6) rewritten with the same version and other content.
  const d6 = await c.dest.json<{ _version: number }>({
    method: 'GET',
    path: `/${pair.dest}/_doc/d6`,
    query: { routing: 'user-6' },
  });
  await bulkOk(c.dest, [
    {
      index: {
        _index: pair.dest,
        _id: 'd6',
        routing: 'user-6',
        version: d6._version,
        version_type: 'external_gte',
      },
    },
    { n: 6, name: 'other content', tags: ['a', 'b'], nested: { x: 6, y: 'z' } },
  ]);
  return {
    d1: 'missing',
    'only-on-dest': 'extra',
    d2: 'stale',
    d4: 'newer_on_dest',
    d5: 'routing_differs',
    d6: 'content_differs',
  };
}

describe('verify on identical indices', () => {
  it('finds them equal at both levels, with 5 shards, custom routing and a dest of another shard count', async () => {
    const pair = await identicalPair(c, { docs: 600, shards: 5, destShards: 3, routing: routeSome });
    for (const level of ['default', 'deep'] as const) {
      const result = await verify(pair, { level, concurrency: 2 });
      assert.equal(result.equal, true, JSON.stringify(result.examples));
      assert.equal(result.sourceDocs, 600);
      assert.equal(result.destDocs, 600);
      assert.deepEqual(Object.values(result.counts), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(result.definition, []);
      assert.equal(result.inFlux, 0);
    }
  });
});

describe('verify with planted differences', () => {
  it('finds each one exactly once, with both sides in the NDJSON report', async () => {
    const pair = await identicalPair(c, { docs: 500, shards: 5, routing: routeSome });
    const expected = await plant(pair);
    const { d6: _, ...expectedDefault } = expected;
    for (const [level, want] of [
      ['default', expectedDefault],
      ['deep', expected],
    ] as const) {
      const outPath = join(tmpdir(), `${uniqueName('verify-report')}.ndjson`);
      const result = await verify(pair, { level, outPath, concurrency: 3 });
      const lines = await reportLines(outPath);
      assert.deepEqual(Object.fromEntries(lines.map((l) => [l.id, l.class])), want, level);
      assert.equal(lines.length, Object.keys(want).length, 'each difference exactly once');
      assert.equal(result.equal, false);
      for (const cls of new Set(Object.values(want)))
        assert.equal(result.counts[cls as keyof typeof result.counts], 1, cls);
      const byId = Object.fromEntries(lines.map((l) => [l.id, l]));
      assert.equal(byId.d1?.dest, null);
      assert.equal(byId['only-on-dest']?.source, null);
      assert.ok((byId.d2?.source?.version ?? 0) > (byId.d2?.dest?.version ?? 0));
      assert.equal(byId.d4?.dest?.version, 50);
      assert.deepEqual([byId.d5?.source?.routing, byId.d5?.dest?.routing], [null, 'elsewhere']);
      if (level === 'deep') {
        assert.equal(byId.d6?.source?.version, byId.d6?.dest?.version);
        assert.notEqual(byId.d6?.source?.hash, byId.d6?.dest?.hash);
      }
    }
  });

  it('checks only the sampled ids, the same ones on both sides, at both levels', async () => {
    const pair = await identicalPair(c, { docs: 400, shards: 2, routing: routeSome });
    const expected = await plant(pair);
    const sampled = Array.from({ length: 400 }, (_, i) => `d${i}`).filter((id) => inSample(id, 0.5)).length;
    for (const level of ['default', 'deep'] as const) {
      const outPath = join(tmpdir(), `${uniqueName('verify-sample')}.ndjson`);
      const result = await verify(pair, { sample: 0.5, outPath, level });
      const want = Object.entries(expected).filter(
        ([id, cls]) => inSample(id, 0.5) && (level === 'deep' || cls !== 'content_differs'),
      );
      const lines = await reportLines(outPath);
      assert.deepEqual(lines.map((l) => [l.id, l.class]).sort(), want.sort(), level);
      assert.equal(result.sourceDocs, sampled);
    }
  });
});

describe('verify --since', () => {
  it('checks only the source documents written after the checkpoints', async () => {
    const pair = await identicalPair(c, { docs: 300, shards: 3, routing: routeSome });
    // A difference from before the checkpoint: out of scope, so not reported.
    await c.dest.json({ method: 'DELETE', path: `/${pair.dest}/_doc/d1`, query: { refresh: true } });
    const since = await currentCheckpoints(c.source, pair.source);
    await bulkOk(c.source, [
      { index: { _index: pair.source, _id: 'd10' } },
      { n: 10, name: 'changed after the checkpoint' },
      { index: { _index: pair.source, _id: 'new-after' } },
      { n: 1000 },
    ]);
    await c.dest.json({
      method: 'PUT',
      path: `/${pair.dest}/_doc/d11`,
      query: { refresh: true, version: 99, version_type: 'external' },
      body: { n: 11 },
    });
    const outPath = join(tmpdir(), `${uniqueName('verify-since')}.ndjson`);
    const result = await verify(pair, { since, outPath });
    const lines = await reportLines(outPath);
    assert.deepEqual(lines.map((l) => [l.id, l.class]).sort(), [
      ['d10', 'stale'],
      ['new-after', 'missing'],
    ]);
    assert.equal(result.sourceDocs, 2);
  });
});

describe('verify while documents change', () => {
  it('reports a document that keeps changing as in flux, apart, and drops one that caught up', async () => {
    const pair = await identicalPair(c, { docs: 100, shards: 2 });
    await bulkOk(c.source, [{ index: { _index: pair.source, _id: 'd3' } }, { n: 3, name: 'changed' }]);
    await bulkOk(c.source, [{ index: { _index: pair.source, _id: 'd7' } }, { n: 7, name: 'changed' }]);
    let rounds = 0;
    const writeD3 = () =>
      bulkOk(c.source, [{ index: { _index: pair.source, _id: 'd3' } }, { n: 3, round: rounds }]);
    // The pause before each re-check round is where, in real life, writers act: here d3 is written again
    // every time, and the new d7 reaches the dest.
    const sleep = async () => {
      rounds++;
      if (rounds > 1) return writeD3();
      await writeD3();
      const d7 = await c.source.json<{ _version: number; _source: unknown }>({
        method: 'GET',
        path: `/${pair.source}/_doc/d7`,
      });
      await bulkOk(c.dest, [
        { index: { _index: pair.dest, _id: 'd7', version: d7._version, version_type: 'external' } },
        d7._source,
      ]);
    };
    const outPath = join(tmpdir(), `${uniqueName('verify-flux')}.ndjson`);
    const result = await verify(pair, { sleep, recheckRounds: 3, outPath });
    assert.equal(rounds, 3);
    assert.equal(result.inFlux, 1);
    assert.equal(result.resolved, 1);
    assert.deepEqual(Object.values(result.counts), [0, 0, 0, 0, 0, 0]);
    assert.equal(result.equal, false);
    const lines = await reportLines(outPath);
    assert.deepEqual(
      lines.map((l) => [l.id, l.class, l.in_flux]),
      [['d3', 'stale', true]],
    );
  });
});

describe('verify --deep on index definitions', () => {
  it('reports a field whose type differs', async () => {
    const source = uniqueName('verify-map-src');
    const dest = uniqueName('verify-map-dst');
    await c.source.createIndex(source, {
      mappings: { properties: { n: { type: 'long' }, t: { type: 'text' } } },
    });
    await c.dest.createIndex(dest, {
      mappings: { properties: { n: { type: 'keyword' }, t: { type: 'text' } } },
    });
    await bulkOk(c.source, [{ index: { _index: source, _id: 'a' } }, { n: 1, t: 'x' }]);
    await bulkOk(c.dest, [
      { index: { _index: dest, _id: 'a', version: 1, version_type: 'external' } },
      { n: 1, t: 'x' },
    ]);
    const result = await verify({ source, dest }, { level: 'deep' });
    assert.deepEqual(Object.values(result.counts), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(result.definition, [
      { kind: 'mapping', path: 'n.type', source: 'long', dest: 'keyword' },
    ]);
    assert.equal(result.equal, false);
  });
});

describe('verify input errors', () => {
  it('names the flag to fix when an index does not exist', async () => {
    const pair = await identicalPair(c, { docs: 1 });
    await assert.rejects(
      verify({ source: pair.source, dest: 'no-such-index' }),
      (e: unknown) => e instanceof ConfigError && /--dest-index/.test(e.hint),
    );
    await assert.rejects(
      verify({ source: 'no-such-index', dest: pair.dest }),
      (e: unknown) => e instanceof ConfigError && /--source-index/.test(e.hint),
    );
  });
});
