// A copy inside one cluster (source and dest URL reach the same cluster, another --dest-index): the dest index
// is created without the source's aliases, so reads through an alias return each document once while the copy
// and the sync run; at `ferry switch` the aliases move to the dest index in one request, definitions kept; an
// abort before the switch leaves them as they were.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AliasDefinition, getIndexAliases } from '../../src/cluster/aliases.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { ferryOn, type Migration, newMigration, startRun, waitUntilReady } from '../harness/migration.js';

const N = 30;
let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

/** A migration from `index` to `destIndex`, both on the bed's source cluster. */
async function oneClusterMigration(index: string, destIndex: string): Promise<Migration> {
  const m = await newMigration(c, index, { quietSeconds: 1 });
  const id = `${index}-to-${destIndex}`;
  const runArgs = m.runArgs.map((a) => (a === c.destUrl ? c.sourceUrl : a));
  return {
    ...m,
    id,
    runArgs: [...runArgs, '--dest-index', destIndex],
    stateArgs: ['--id', id, '--state-dir', m.stateDir, '--quiet'],
  };
}

async function seeded(): Promise<{ index: string; aliases: Record<string, AliasDefinition> }> {
  const index = uniqueName('onecl');
  await c.source.createIndex(index, {
    settings: { number_of_shards: 2, number_of_replicas: 0 },
    aliases: {
      [`${index}-read`]: {},
      [`${index}-big`]: { filter: { range: { n: { gte: 10 } } } },
      [`${index}-write`]: { is_write_index: true },
    },
  });
  const lines = Array.from({ length: N }, (_, i) => [
    JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
    JSON.stringify({ n: i }),
  ]).flat();
  assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
  return { index, aliases: await getIndexAliases(c.source, index) };
}

async function throughAlias(alias: string): Promise<number> {
  await c.source.json({ method: 'POST', path: `/${alias}/_refresh` });
  return c.source.count(alias);
}

describe('live on one cluster: aliases', () => {
  it('reads through an alias return N, not 2N, during the sync; the switch moves them; the plan says so', async () => {
    const { index, aliases } = await seeded();
    const destIndex = `${index}-new`;
    const m = await oneClusterMigration(index, destIndex);
    const plan = await runFerry(['plan', ...m.runArgs]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(
      plan.stdout,
      new RegExp(
        `one cluster: .*${index}-write \\(write\\) stay on ${index} until the switch, then move to ${destIndex} in one request`,
      ),
    );

    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    await c.source.refresh(destIndex);
    assert.equal(await c.source.count(destIndex), N, 'the dest index holds every document');
    assert.equal(
      await throughAlias(`${index}-read`),
      N,
      'during the sync the alias returns each document once',
    );
    assert.equal(await throughAlias(`${index}-big`), N - 10);
    assert.deepEqual(
      await getIndexAliases(c.source, destIndex),
      {},
      'the dest index has no alias before the switch',
    );

    const sw = await ferryOn(m, 'switch');
    assert.equal(sw.code, 0, sw.stdout + sw.stderr);
    assert.deepEqual(
      await getIndexAliases(c.source, index),
      {},
      'the source index has none after the switch',
    );
    assert.deepEqual(
      await getIndexAliases(c.source, destIndex),
      aliases,
      'the dest index has them, definitions kept',
    );
    assert.equal(
      await throughAlias(`${index}-read`),
      N,
      'after the switch the alias returns each document once',
    );
    assert.equal(await throughAlias(`${index}-big`), N - 10);
    const write = await c.source.json<{ _index: string }>({
      method: 'PUT',
      path: `/${index}-write/_doc/after-switch`,
      query: { refresh: 'true' },
      body: { n: 100 },
    });
    assert.equal(write._index, destIndex, 'a write through the write alias lands on the dest index');
    const end = await run.done;
    assert.equal(end.code, 0, end.stdout + end.stderr);
    const report = await ferryOn(m, 'report');
    assert.match(report.stdout, /moved from the source index to the dest index in one request/);
  });

  it('an abort before the switch leaves the aliases as they were', async () => {
    const { index, aliases } = await seeded();
    const destIndex = `${index}-new`;
    const m = await oneClusterMigration(index, destIndex);
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    assert.equal(await throughAlias(`${index}-read`), N);
    process.kill(run.pid, 'SIGINT');
    assert.equal((await run.done).code, 130);
    const abort = await ferryOn(m, 'abort');
    assert.equal(abort.code, 0, abort.stdout + abort.stderr);
    assert.equal(await c.source.indexExists(destIndex), false, 'the dest index is deleted');
    assert.deepEqual(await getIndexAliases(c.source, index), aliases, 'the source keeps its aliases');
    assert.equal(await throughAlias(`${index}-read`), N);
  });
});
