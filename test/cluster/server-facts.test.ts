// The server behaviour Ferry is built on, pinned down on every engine the test bed runs.
// If one of these fails on a new engine version, an assumption that the strategies' steps rely on broke
// (the steps of both strategies: docs/operating.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canRestoreSnapshot, detectEngine } from '../../src/cluster/engine.js';
import { ResponseError } from '../../src/cluster/errors.js';
import { destOperations } from '../../src/verify/client-ops.js';
import { type Capabilities, capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';
import { ENGINES } from '../harness/engines.js';

let c: TestClusters;
let sourceCan: Capabilities;
let destCan: Capabilities;
before(async () => {
  c = await testClusters();
  [sourceCan, destCan] = await Promise.all([capabilities(c.source), capabilities(c.dest)]);
});
after(async () => {
  await c.close();
});

async function seed(index: string, docs: number, shards = 1): Promise<void> {
  await c.source.createIndex(index, { settings: { number_of_shards: shards, number_of_replicas: 0 } });
  const lines: unknown[] = [];
  for (let i = 0; i < docs; i++)
    lines.push({ index: { _index: index, _id: `d${i}` } }, { n: i, name: `doc ${i}` });
  const res = await c.source.bulk(ndjson(lines), { refresh: 'true' });
  assert.equal(res.errors, false);
}

describe('engine detection', () => {
  it('reports the distribution and version the test bed started', async () => {
    for (const [client, id] of [
      [c.source, c.sourceEngine],
      [c.dest, c.destEngine],
    ] as const) {
      const engine = await detectEngine(client.transport);
      assert.equal(engine.distribution, ENGINES[id].distribution);
      assert.equal(engine.version, ENGINES[id].version);
    }
  });
});

describe('snapshot and restore through the shared repository', () => {
  it('restores on dest under a new name without index.default_pipeline, keeping seq_no and version', async (t) => {
    if (!canRestoreSnapshot(c.source.engine, c.dest.engine)) {
      t.diagnostic(
        `${c.sourceEngine} snapshots cannot be restored on ${c.destEngine}: checking the refusal instead`,
      );
    }
    const index = uniqueName('snap');
    const repo = uniqueName('repo');
    const pipeline = uniqueName('pipe');
    await seed(index, 20, 2);
    if (sourceCan.ingest) {
      await c.source.json({
        method: 'PUT',
        path: `/_ingest/pipeline/${pipeline}`,
        body: { processors: [{ set: { field: 'p', value: 1 } }] },
      });
      await c.source.putIndexSettings(index, { 'index.default_pipeline': pipeline });
    }
    // Documents updated twice have version 3 and a higher seq_no: restore must keep both.
    await c.source.bulk(
      ndjson([
        { index: { _index: index, _id: 'd1' } },
        { n: 1, v: 2 },
        { index: { _index: index, _id: 'd1' } },
        { n: 1, v: 3 },
      ]),
      { refresh: 'true' },
    );
    const location = `${c.repoDir}/${repo}`;
    await c.source.json({
      method: 'PUT',
      path: `/_snapshot/${repo}`,
      body: { type: 'fs', settings: { location } },
    });
    await c.dest.json({
      method: 'PUT',
      path: `/_snapshot/${repo}`,
      body: { type: 'fs', settings: { location, readonly: true } },
    });
    const snap = await c.source.json<{ snapshot: { state: string } }>({
      method: 'PUT',
      path: `/_snapshot/${repo}/s1`,
      query: { wait_for_completion: true },
      body: { indices: index, include_global_state: false },
    });
    assert.equal(snap.snapshot.state, 'SUCCESS');
    const restored = `${index}-restored`;
    const restore = () =>
      c.dest.json({
        method: 'POST',
        path: `/_snapshot/${repo}/s1/_restore`,
        query: { wait_for_completion: true },
        body: {
          indices: index,
          rename_pattern: '(.+)',
          rename_replacement: '$1-restored',
          ignore_index_settings: ['index.default_pipeline'],
          include_global_state: false,
        },
      });
    if (!canRestoreSnapshot(c.source.engine, c.dest.engine)) {
      await assert.rejects(restore, ResponseError);
      return;
    }
    await restore();
    const settings = await c.dest.getIndexSettings(restored);
    assert.equal(settings['index.default_pipeline'], undefined);
    assert.equal(await c.dest.count(restored), 20);
    const hit = async (client: typeof c.source, name: string) =>
      (
        await client.search(name, {
          query: { ids: { values: ['d1'] } },
          seq_no_primary_term: true,
          version: true,
        })
      ).hits.hits[0];
    const [before, afterRestore] = await Promise.all([hit(c.source, index), hit(c.dest, restored)]);
    assert.equal(afterRestore?._version, 3);
    assert.equal(afterRestore?._version, before?._version);
    assert.equal(afterRestore?._seq_no, before?._seq_no);
  });
});

describe('reindex from remote', () => {
  it('copies an index from source to dest through the allowlist', async (t) => {
    const index = uniqueName('remote');
    await seed(index, 50);
    if (!destCan.reindex) {
      t.diagnostic(`${c.destEngine} has no reindex module: checking that _reindex is refused`);
      await assert.rejects(
        c.dest.json({
          method: 'POST',
          path: '/_reindex',
          body: { source: { remote: { host: c.sourceUrl }, index }, dest: { index } },
        }),
        ResponseError,
      );
      return;
    }
    const res = await c.dest.json<{ created: number; failures: unknown[] }>({
      method: 'POST',
      path: '/_reindex',
      query: { refresh: true, wait_for_completion: true },
      body: { source: { remote: { host: c.sourceUrl }, index }, dest: { index } },
    });
    assert.equal(res.created, 50);
    assert.deepEqual(res.failures, []);
    assert.equal(await c.dest.count(index), 50);
  });
});

describe('default pipeline rerouting by _index', () => {
  it('sends a write for the source index to another index', async (t) => {
    const index = uniqueName('route');
    const delta = `${index}-delta`;
    const pipeline = uniqueName('reroute');
    await seed(index, 1);
    if (!sourceCan.ingest) {
      t.diagnostic(`${c.sourceEngine} has no ingest-common module: checking that a set pipeline is refused`);
      await assert.rejects(
        c.source.json({
          method: 'PUT',
          path: `/_ingest/pipeline/${pipeline}`,
          body: { processors: [{ set: { field: '_index', value: delta } }] },
        }),
        ResponseError,
      );
      return;
    }
    await c.source.json({
      method: 'PUT',
      path: `/_ingest/pipeline/${pipeline}`,
      body: { processors: [{ set: { field: '_index', value: delta } }] },
    });
    await c.source.putIndexSettings(index, { 'index.default_pipeline': pipeline });
    const res = await c.source.json<{ _index: string }>({
      method: 'PUT',
      path: `/${index}/_doc/new1`,
      query: { refresh: true },
      body: { n: 1 },
    });
    assert.equal(res._index, delta);
    assert.equal(await c.source.count(index), 1);
    assert.equal(await c.source.count(delta), 1);
  });
});

describe('_seq_no range search on one shard', () => {
  it('finds exactly the documents written after the shard checkpoint', async () => {
    const index = uniqueName('seqno');
    await seed(index, 40, 3);
    const checkpoints = (await c.source.shardSeqNos(index)).filter((s) => s.primary);
    assert.equal(checkpoints.length, 3);
    const changed = ['d3', 'd7', 'd11', 'd20', 'd33'];
    const lines: unknown[] = [];
    for (const id of changed) lines.push({ update: { _index: index, _id: id } }, { doc: { touched: true } });
    assert.equal((await c.source.bulk(ndjson(lines), { refresh: 'true' })).errors, false);
    const found: string[] = [];
    for (const shard of checkpoints) {
      const res = await c.source.search(
        index,
        {
          size: 100,
          seq_no_primary_term: true,
          query: { range: { _seq_no: { gt: shard.maxSeqNo } } },
          sort: [{ _seq_no: 'asc' }],
        },
        { preference: `_shards:${shard.shard}` },
      );
      for (const h of res.hits.hits) {
        assert.ok((h._seq_no ?? -1) > shard.maxSeqNo);
        found.push(h._id);
      }
    }
    assert.deepEqual(found.sort(), [...changed].sort());
  });
});

describe('external versions', () => {
  it('rejects a write whose external version is older than the stored one', async () => {
    const index = uniqueName('extver');
    await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await c.dest.json({
      method: 'PUT',
      path: `/${index}/_doc/a`,
      query: { version: 5, version_type: 'external' },
      body: { v: 5 },
    });
    await assert.rejects(
      c.dest.json({
        method: 'PUT',
        path: `/${index}/_doc/a`,
        query: { version: 4, version_type: 'external' },
        body: { v: 4 },
      }),
      (error: unknown) =>
        error instanceof ResponseError &&
        error.status === 409 &&
        error.errorType === 'version_conflict_engine_exception',
    );
    const res = await c.dest.bulk(
      ndjson([{ index: { _index: index, _id: 'a', version: 6, version_type: 'external' } }, { v: 6 }]),
    );
    assert.equal(res.items[0]?.index?.status, 200);
    const doc = await c.dest.json<{ _version: number; _source: { v: number } }>({
      method: 'GET',
      path: `/${index}/_doc/a`,
    });
    assert.equal(doc._version, 6);
    assert.equal(doc._source.v, 6);
  });
});

// src/verify/client-ops.ts rests on this: every operation a shard took has a `_seq_no` of its history, so the sum
// of (max _seq_no + 1) counts them; refused writes and no-op updates take none.
describe('which operations take a _seq_no', () => {
  it('writes and deletes (of a missing id too) take one; version conflicts and no-op updates take none', async () => {
    const index = uniqueName('seqops');
    await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const maxSeqNo = async () => (await destOperations(c.dest, index)) - 1;
    const put = await c.dest.json<{ _seq_no: number }>({
      method: 'PUT',
      path: `/${index}/_doc/a`,
      body: { v: 1 },
    });
    assert.equal(put._seq_no, 0);
    const refused = await c.dest.bulk(
      ndjson([
        { index: { _index: index, _id: 'a', if_seq_no: 99, if_primary_term: 1 } },
        { v: 2 },
        { create: { _index: index, _id: 'a' } },
        { v: 3 },
        { delete: { _index: index, _id: 'a', if_seq_no: 99, if_primary_term: 1 } },
      ]),
    );
    assert.deepEqual(
      refused.items.map((i) => Object.values(i)[0]?.status),
      [409, 409, 409],
    );
    assert.ok(
      refused.items.every((i) => (Object.values(i)[0]?._seq_no ?? -1) < 0),
      'a refusal has no _seq_no',
    );
    assert.equal(await maxSeqNo(), 0, 'version conflicts took no _seq_no');
    const noop = await c.dest.json<{ result: string }>({
      method: 'POST',
      path: `/${index}/_update/a`,
      body: { doc: { v: 1 } },
    });
    assert.equal(noop.result, 'noop');
    assert.equal(await maxSeqNo(), 0, 'a no-op update took no _seq_no');
    const missing = await c.dest.bulk(ndjson([{ delete: { _index: index, _id: 'never-there' } }]));
    assert.equal(missing.items[0]?.delete?.status, 404);
    assert.equal(missing.items[0]?.delete?._seq_no, 1, 'a delete of a missing id took one');
    await c.dest.json({ method: 'DELETE', path: `/${index}/_doc/a` });
    assert.equal(await maxSeqNo(), 2);
  });
});

describe('painless', () => {
  it('applies a scripted update', async (t) => {
    const index = uniqueName('painless');
    await seed(index, 1);
    if (!sourceCan.painless) {
      t.diagnostic(`${c.sourceEngine} has no painless: checking that a scripted update is refused`);
      await assert.rejects(
        c.source.json({
          method: 'POST',
          path: `/${index}/_update/d0`,
          body: { script: { source: 'ctx._source.n += 1' } },
        }),
        ResponseError,
      );
      return;
    }
    await c.source.json({
      method: 'POST',
      path: `/${index}/_update/d0`,
      query: { refresh: true },
      body: { script: { source: 'ctx._source.n += params.by', params: { by: 41 } } },
    });
    const doc = await c.source.json<{ _source: { n: number } }>({ method: 'GET', path: `/${index}/_doc/d0` });
    assert.equal(doc._source.n, 41);
  });
});
