// The oracle is exact: a workload of every operation type against one index, then a document-by-document
// comparison of that same index with the oracle, must find nothing lost, resurrected, stale or extra.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareWithOracle } from '../../src/audit/compare.js';
import { OP_TYPES } from '../../src/audit/record.js';
import { loadInitial } from '../../tools/workload/initial.js';
import { startWorkload } from '../../tools/workload/workload.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workload oracle on one index', () => {
  it('predicts the final state of every document after all operation types', async (t) => {
    const index = uniqueName('workload');
    const initial = await loadInitial(c.source, index, 200, 7, { shards: 2 });
    // By-query types get more weight than by default so a short run has several of each.
    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 42,
      rate: 80,
      concurrency: 3,
      initial,
      weights: { delete_by_query: 1, update_by_query: 1 },
    });
    for (const d of workload.disabled) t.diagnostic(`left out ${d.type}: ${d.reason}`);
    const enabled = OP_TYPES.filter((type) => !workload.disabled.some((d) => d.type === type));
    // At least 5 s, and on until every enabled type has succeeded (a busy machine runs fewer operations).
    const started = Date.now();
    const everyType = () => enabled.every((type) => workload.oracle.ops[type].succeeded > 0);
    while (Date.now() - started < 5000 || (!everyType() && Date.now() - started < 60_000)) await sleep(250);
    const report = await workload.stop();
    const result = await compareWithOracle(c.source, index, report.expected, {
      lastOpByType: report.lastOpByType,
      uncertain: report.uncertain,
    });
    const summary = OP_TYPES.map(
      (type) => `${type} ${report.ops[type].succeeded}/${report.ops[type].attempted}`,
    ).join(', ');
    t.diagnostic(`ops: ${summary}`);
    t.diagnostic(
      `checked ${result.checked} ids, ${report.errors.length} client errors, ${report.divergences.length} divergences`,
    );

    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.divergences, []);
    assert.equal(report.uncertain.size, 0);
    assert.deepEqual(result.lost, []);
    assert.deepEqual(result.resurrected, []);
    assert.deepEqual(result.stale, []);
    assert.deepEqual(result.extra, []);
    assert.equal(result.checked, report.expected.size);
    const live = [...report.expected.values()].filter((doc) => doc !== null).length;
    assert.equal(await c.source.count(index), live);
    for (const type of enabled) assert.ok(report.ops[type].succeeded > 0, `${type} never succeeded`);

    // The comparison is not vacuous: damage the index behind the oracle's back and it finds each change.
    const present = [...report.expected].filter(([, doc]) => doc !== null).map(([id]) => id);
    const deleted = [...report.expected].filter(([, doc]) => doc === null).map(([id]) => id);
    const [lostId, staleId] = present;
    const [resurrectedId] = deleted;
    assert.ok(lostId && staleId && resurrectedId, 'the run left both present and deleted documents');
    await c.source.json({ method: 'DELETE', path: `/${index}/_doc/${lostId}` });
    await c.source.json({
      method: 'POST',
      path: `/${index}/_update/${staleId}`,
      body: { doc: { tag: 'tampered' } },
    });
    await c.source.json({
      method: 'PUT',
      path: `/${index}/_doc/${resurrectedId}`,
      body: { key: resurrectedId },
    });
    await c.source.json({ method: 'PUT', path: `/${index}/_doc/stranger`, body: { key: 'stranger' } });
    const damaged = await compareWithOracle(c.source, index, report.expected, {
      lastOpByType: report.lastOpByType,
    });
    assert.deepEqual(
      damaged.lost.map((m) => m.id),
      [lostId],
    );
    assert.deepEqual(
      damaged.stale.map((m) => m.id),
      [staleId],
    );
    assert.deepEqual(
      damaged.resurrected.map((m) => m.id),
      [resurrectedId],
    );
    assert.deepEqual(damaged.extra, ['stranger']);
    const origin = damaged.lost[0]?.origin ?? 'initial';
    assert.equal(damaged.byOrigin[origin]?.lost, 1);
  });

  it('follows the application to a copy on the destination at the switch', async (t) => {
    const index = uniqueName('workload-switch');
    const initial = await loadInitial(c.source, index, 100, 8, { shards: 2 });
    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 43,
      rate: 60,
      concurrency: 3,
      initial,
    });
    await sleep(2000);
    // Nothing is in flight while the copy is made, so the copy is exactly the source at the switch.
    const switchedAt = await workload
      .whilePaused(async () => {
        await copyIndex(c.source, c.dest, index);
        workload.switchTo(c.dest, index);
        return Date.now();
      })
      .catch(async (error: unknown) => {
        await workload.stop().catch(() => undefined);
        throw error;
      });
    await sleep(2000);
    const report = await workload.stop();
    const sides = { source: 0, dest: 0 };
    for (const write of report.history) {
      sides[write.side]++;
      assert.equal(
        write.side === 'dest',
        write.at >= switchedAt,
        `${write.opId} on ${write.side} at ${write.at}`,
      );
    }
    t.diagnostic(`writes: ${sides.source} on source before the switch, ${sides.dest} on dest after it`);
    assert.ok(sides.source > 0 && sides.dest > 0);
    assert.equal(report.switches.length, 1);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.divergences, []);
    const result = await compareWithOracle(c.dest, index, report.expected, {
      lastOpByType: report.lastOpByType,
    });
    assert.deepEqual([result.lost, result.resurrected, result.stale, result.extra], [[], [], [], []]);
  });
  it('stays exact without a pause: writes refused by a write block change nothing, in-flight ones finish', async (t) => {
    const index = uniqueName('workload-fence');
    const initial = await loadInitial(c.source, index, 300, 9, { shards: 2 });
    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 44,
      rate: 80,
      concurrency: 3,
      initial,
      weights: { delete_by_query: 1, update_by_query: 1 },
    });
    try {
      await sleep(2000);
      // A fence as Ferry sets it: the application keeps writing and sees 403s until it moves.
      await c.source.putIndexSettings(index, { 'index.blocks.write': true });
      await sleep(1500);
      await copyIndex(c.source, c.dest, index);
      workload.switchTo(c.dest, index);
      await sleep(2000);
    } finally {
      await workload.stop().catch(() => undefined);
    }
    const report = await workload.stop();
    await c.source.putIndexSettings(index, { 'index.blocks.write': false });
    const blocked = report.errors.filter((e) => e.status === 403);
    t.diagnostic(
      `${report.history.length} writes, ${blocked.length} refused by the block (${[...new Set(blocked.map((e) => e.type))].join(', ')}), ${report.uncertain.size} uncertain`,
    );
    assert.ok(blocked.length > 0, 'no write met the block');
    assert.deepEqual(
      report.errors.filter((e) => e.status !== 403 && e.id !== undefined),
      [],
      'only the block refused writes',
    );
    assert.ok(blocked.every((e) => e.side === 'source' && !e.ambiguous));
    assert.ok(report.history.some((h) => h.side === 'dest'));
    const result = await compareWithOracle(c.dest, index, report.expected, {
      lastOpByType: report.lastOpByType,
      uncertain: report.uncertain,
    });
    assert.deepEqual([result.lost, result.resurrected, result.stale, result.extra], [[], [], [], []]);
  });
});

/** A plain copy: the index definition, then every document with its source version as an external version. */
async function copyIndex(
  from: TestClusters['source'],
  to: TestClusters['dest'],
  index: string,
): Promise<void> {
  const definition = await from.getIndex(index);
  const shards = Number(definition.settings.index.number_of_shards ?? 1);
  await to.createIndex(index, {
    settings: { number_of_shards: shards, number_of_replicas: 0 },
    mappings: definition.mappings,
  });
  await from.refresh(index);
  const hits = await from.search(index, { size: 10_000, version: true, query: { match_all: {} } });
  const lines = hits.hits.hits.flatMap((h) => [
    JSON.stringify({ index: { _index: index, _id: h._id, version: h._version, version_type: 'external' } }),
    JSON.stringify(h._source),
  ]);
  if (lines.length > 0)
    assert.equal((await to.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
}
