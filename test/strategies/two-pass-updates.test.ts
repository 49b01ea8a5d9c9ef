// Two-pass's plan warns that partial updates fail while the reroute pipeline is set, and the warning is true:
// at the switch gate, an `_update` of a document that lives in the source index is refused with 409 and
// changes nothing on either index of the source.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { ferryOn, newMigration } from '../harness/migration.js';

const c: TestClusters = await testClusters();
const [sourceCan, destCan] = await Promise.all([capabilities(c.source), capabilities(c.dest)]);
after(async () => {
  await c.close();
});

describe('two-pass and partial updates', () => {
  if (!(sourceCan.ingest && destCan.reindex)) return;
  it('the plan warns; an _update while writes are rerouted gets 409 and changes nothing', async () => {
    const index = uniqueName('tp-upd');
    await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const lines = Array.from({ length: 10 }, (_, i) => [
      JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
      JSON.stringify({ n: i }),
    ]).flat();
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const m = await newMigration(c, index, { strategy: 'two-pass', repository: true });

    const plan = await runFerry(['plan', ...m.runArgs]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(
      plan.stdout,
      /\[warn\] partial updates while writes are rerouted: .*partial updates \(_update, _update_by_query\) of documents that live in \S+ get 409 version conflicts/,
    );

    const run = await runFerry(['run', ...m.runArgs]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const update = await c.source.request<{ error?: { type?: string } }>({
      method: 'POST',
      path: `/${index}/_update/d3`,
      query: { refresh: 'true' },
      body: { doc: { n: -1 } },
      okStatuses: [409, 400, 404, 500],
    });
    assert.equal(update.status, 409, JSON.stringify(update.body));
    const kept = await c.source.json<{ _source: { n: number } }>({
      method: 'GET',
      path: `/${index}/_doc/d3`,
    });
    assert.equal(kept._source.n, 3, 'the source document is unchanged');
    await c.source.refresh(`${index}-ferry-delta`);
    assert.equal(await c.source.count(`${index}-ferry-delta`), 0, 'nothing reached the delta index');
    const abort = await ferryOn(m, 'abort');
    assert.equal(abort.code, 0, abort.stdout + abort.stderr);
  });
});
