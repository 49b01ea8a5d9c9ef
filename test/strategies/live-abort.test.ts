// Live abort re-checks at the moment it would delete the dest index: a client that moved early and created a
// document there (no conflict, so the ledger never saw it) makes abort refuse with exit 2 and nothing changed
// on either cluster; --keep-dest then undoes the rest and keeps the client's document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
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

describe('live abort after an unseen client write on the dest', () => {
  it('refuses to delete the dest index (exit 2, nothing changed); --keep-dest keeps the write', async () => {
    const index = uniqueName('labort');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines = Array.from({ length: 20 }, (_, i) => [
      JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
      JSON.stringify({ n: i }),
    ]).flat();
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const sourceBefore = await clusterFingerprint(c.source, index);
    const m = await newMigration(c, index, { quietSeconds: 1 });
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    // An application that moved early creates a document only the dest has.
    await c.dest.json({
      method: 'PUT',
      path: `/${index}/_doc/early-client`,
      query: { refresh: 'true' },
      body: { n: 999, by: 'client' },
    });
    process.kill(run.pid, 'SIGINT');
    assert.equal((await run.done).code, 130);
    const statusBefore = (await readState(m.stateDir, m.id))?.status;
    const before: Fingerprint[] = await Promise.all([
      clusterFingerprint(c.source, index),
      clusterFingerprint(c.dest, index),
    ]);
    assert.deepEqual(before[0], sourceBefore, 'the migration left the source as it was');

    // The dest URL now reaches another cluster (the source): named, and refused before anything.
    const otherCluster = await ferryOn(m, 'abort', ['--dest-url', c.sourceUrl]);
    assert.equal(otherCluster.code, 2, otherCluster.stdout + otherCluster.stderr);
    assert.match(
      otherCluster.stderr,
      /The dest URL \S+ reaches another cluster \(uuid \S+\) than the one migration \S+ started on[\s\S]*fix: Give the URL of the original dest cluster/,
    );

    const refused = await ferryOn(m, 'abort');
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `dest index ${index} holds 21 document\\(s\\), 1 more than Ferry wrote or knows clients own[\\s\\S]*fix: Run: ferry abort --id ${m.id} --keep-dest`,
      ),
    );
    assert.deepEqual(
      await Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]),
      before,
      'a refused abort changed a cluster',
    );
    assert.equal(
      (await readState(m.stateDir, m.id))?.status,
      statusBefore,
      'a refused abort changed the state',
    );

    const kept = await ferryOn(m, 'abort', ['--keep-dest']);
    assert.equal(kept.code, 0, kept.stdout + kept.stderr);
    assert.match(kept.stdout, new RegExp(`the dest index ${index} was kept with what clients wrote there`));
    assert.deepEqual(await clusterFingerprint(c.source, index), sourceBefore);
    assert.deepEqual(await clusterFingerprint(c.dest, index), before[1], 'the dest index and its write stay');
  });
});
