// Live carries the source index's aliases (plain, filtered, routing, write) to the dest, says in the plan and
// the report what it does not carry (index.default_pipeline and its pipeline), and with --move-aliases the
// source aliases stop taking writes at the switch. A clash on the dest is refused before anything changes.
// Then Ctrl-C during `ferry abort`: once at a checkpoint, once twice (at once); running the same abort again
// finishes it, and both clusters end exactly as they were before the run.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { getIndexAliases } from '../../src/cluster/aliases.js';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint, type Fingerprint } from '../harness/fingerprint.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

async function bothSides(index: string): Promise<Fingerprint[]> {
  return Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]);
}

/** A client's write through an alias: the HTTP status and the error type, if any. */
async function writeThrough(side: 'source' | 'dest', alias: string, id: string): Promise<number> {
  const res = await c[side].request({
    method: 'PUT',
    path: `/${alias}/_doc/${id}`,
    query: { refresh: 'true' },
    body: { n: 100, by: 'client' },
    okStatuses: [400],
  });
  return res.status;
}

describe('live: aliases and what is not carried', () => {
  it('carries every alias, lists the pipeline it drops, moves write aliases at the switch; abort survives Ctrl-C', async () => {
    const index = uniqueName('alias');
    const pipeline = `${index}-stamp`;
    // The reduced Elasticsearch 8/9 nodes have no `set` processor; an empty pipeline is still a pipeline.
    const { ingest } = await capabilities(c.source);
    await c.source.json({
      method: 'PUT',
      path: `/_ingest/pipeline/${pipeline}`,
      body: { processors: ingest ? [{ set: { field: 'stamped', value: true } }] : [] },
    });
    const a = (name: string) => `${index}-${name}`;
    await c.source.createIndex(index, {
      settings: {
        number_of_shards: 2,
        number_of_replicas: 0,
        'index.default_pipeline': pipeline,
        'index.routing.allocation.exclude._name': 'no-such-node',
      },
      aliases: {
        [a('read')]: {},
        [a('big')]: { filter: { range: { n: { gte: 5 } } } },
        [a('routed')]: { index_routing: 'r1', search_routing: 'r1' },
        [a('write')]: { is_write_index: true },
      },
    });
    const lines = Array.from({ length: 20 }, (_, i) => [
      JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
      JSON.stringify({ n: i }),
    ]).flat();
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const sourceAliases = await getIndexAliases(c.source, index);
    const m = await newMigration(c, index, {
      quietSeconds: 1,
      extraArgs: ['--move-aliases', '--write-block'],
    });
    const baseline = await bothSides(index);

    // 1. The plan names the aliases it carries and what it does not carry; it changes nothing.
    const plan = await runFerry(['plan', ...m.runArgs]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(
      plan.stdout,
      new RegExp(
        `aliases carried to the dest: ${a('big')} \\(filtered\\), ${a('read')}, ${a('routed')} \\(routing r1/r1\\), ${a('write')} \\(write\\)`,
      ),
    );
    assert.match(
      plan.stdout,
      new RegExp(
        `\\[warn\\] not carried to the dest: .*setting index.default_pipeline="${pipeline}" \\(.*the pipeline ${pipeline} is not created on the dest either\\)`,
      ),
    );
    assert.match(
      plan.stdout,
      /setting index\.routing\.allocation\.exclude\._name="no-such-node" \(names nodes of the source cluster\)/,
    );
    assert.deepEqual(await bothSides(index), baseline, 'ferry plan changed a cluster');

    // 2. An index on the dest with an alias's name: refused, exit 2, nothing changed, no state.
    await c.dest.createIndex(a('read'), { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const clashBefore = await bothSides(index);
    for (const command of ['plan', 'run']) {
      const clash = await runFerry([command, ...m.runArgs]);
      assert.equal(clash.code, 2, `${command}: ${clash.stdout}${clash.stderr}`);
      assert.match(
        clash.stdout + clash.stderr,
        new RegExp(
          `an index named ${a('read')} exists on the dest[\\s\\S]*fix: Free those names on the dest`,
        ),
      );
    }
    assert.deepEqual(await bothSides(index), clashBefore, 'a refused run changed a cluster');
    assert.deepEqual(await readdir(m.stateDir), [], 'a refused run left state');
    await c.dest.deleteIndex(a('read'));

    // 3. The run: the dest index carries the aliases as they are on the source; the source keeps them.
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    assert.deepEqual(await getIndexAliases(c.dest, index), sourceAliases, 'dest aliases = source aliases');
    assert.deepEqual(await getIndexAliases(c.source, index), sourceAliases, 'source aliases untouched');

    // 4. The switch (fenced): once it says the clients may move, the source aliases take no writes; the
    //    dest's write alias does.
    const sw = await ferryOn(m, 'switch');
    assert.equal(sw.code, 0, sw.stdout + sw.stderr);
    assert.match(sw.stdout, /clients may write to the destination now/);
    for (const [alias, definition] of Object.entries(await getIndexAliases(c.source, index)))
      assert.equal(definition.is_write_index, false, `${alias} still takes writes on the source`);
    assert.equal(
      await writeThrough('source', a('write'), 'late'),
      400,
      'a write through a moved alias fails',
    );
    assert.equal(await writeThrough('source', a('read'), 'late'), 400);
    assert.equal(await c.source.indexExists(a('read')), true, 'the alias is still there for reads');
    const end = await run.done;
    assert.equal(end.code, 0, end.stderr);
    const report = await ferryOn(m, 'report');
    assert.match(report.stdout, new RegExp(`aliases carried to the dest: ${a('big')} \\(filtered\\)`));
    assert.match(report.stdout, new RegExp(`aliases moved at the switch .*${a('write')}`));
    assert.match(
      report.stdout,
      new RegExp(
        `not carried to the dest[\\s\\S]*- setting index.default_pipeline = "${pipeline}": .*the pipeline ${pipeline} is not created on the dest`,
      ),
    );

    // 5. Ctrl-C during abort: the first stops after the change in hand (state aborting, resume refused),
    //    a double Ctrl-C stops at once; the same abort again finishes; both clusters are as before the run.
    // After the switch, a plain abort would delete what clients may have written on the dest: refused.
    const afterSwitch = await bothSides(index);
    const plainAbort = await ferryOn(m, 'abort');
    assert.equal(plainAbort.code, 2, plainAbort.stdout + plainAbort.stderr);
    assert.match(
      plainAbort.stderr,
      /clients may have written to \S+ on the dest, and an abort would delete it[\s\S]*fix: Run: ferry abort --id \S+ --keep-dest/,
    );
    assert.deepEqual(await bothSides(index), afterSwitch, 'a refused abort changed a cluster');
    const abortArgs = ['--delete-dest'];
    const first = await ferryOn(m, 'abort', abortArgs, { FERRY_TEST_SIGNAL_AFTER_UNDO: '1' });
    assert.equal(first.code, 130, first.stdout + first.stderr);
    assert.match(
      first.stderr,
      /SIGINT: stopping at the next checkpoint[\s\S]*stopped with 2 change\(s\) still to undo \(state: aborting[\s\S]*Finish it with the same command: ferry abort --id/,
    );
    assert.equal((await readState(m.stateDir, m.id))?.status, 'aborting');
    const status = await runFerry(['status', '--id', m.id, '--state-dir', m.stateDir]);
    assert.match(status.stdout, /phase: aborting, stopped part-way: 2 change\(s\) still to undo/);
    assert.match(status.stdout, new RegExp(`next:\\n {2}ferry abort --id ${m.id}`));
    const resume = await ferryOn(m, 'resume');
    assert.equal(resume.code, 2, resume.stdout + resume.stderr);
    assert.match(resume.stderr, /is being aborted[\s\S]*fix: Finish it with: ferry abort --id/);
    const run2 = await runFerry(['run', ...m.runArgs]);
    assert.equal(run2.code, 2, run2.stdout + run2.stderr);
    assert.match(run2.stderr, /is being aborted/);

    const second = await ferryOn(m, 'abort', abortArgs, { FERRY_TEST_SIGNAL_AFTER_UNDO: '1:SIGINT,SIGINT' });
    assert.equal(second.code, 130, second.stdout + second.stderr);
    assert.match(second.stderr, /SIGINT again: stopping now[\s\S]*Finish it with the same command/);
    assert.equal((await readState(m.stateDir, m.id))?.status, 'aborting');

    const last = await ferryOn(m, 'abort', abortArgs);
    assert.equal(last.code, 0, last.stdout + last.stderr);
    assert.match(last.stdout, /aborted: the source is as it was and what Ferry created is removed/);
    assert.deepEqual(await bothSides(index), baseline, 'after the abort both clusters are as before the run');
  });
});
