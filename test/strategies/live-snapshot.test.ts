// The live strategy's snapshot/restore backfill on real clusters: under the seeded workload (capture picks up
// exactly what the snapshot missed: the dest equals the oracle document by document), killed with -9 while the
// snapshot and while the restore run and resumed, the snapshot deleted at cleanup, and the fallback to the copy
// with its reason when no usable repository is named (`--backfill snapshot` then refuses, nothing changed).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getSnapshot } from '../../src/cluster/snapshots.js';
import { backfillSnapshotName } from '../../src/sync/snapshot-backfill.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';
import { assertNothingLost, liveScenario } from '../harness/live-scenario.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

// The kills run on one pair of each engine family (single-node): a resume waits for the server's own snapshot
// and restore, which behave alike on every version; the workload test runs on every pair. FERRY_SOAK=1: everywhere.
const KILLS_HERE =
  process.env.FERRY_SOAK === '1' ||
  (process.env.FERRY_TEST_SOURCE_NODES === '1' &&
    ['opensearch-2>opensearch-2', 'elasticsearch-8>elasticsearch-9'].includes(
      `${process.env.FERRY_TEST_SOURCE_ENGINE}>${process.env.FERRY_TEST_DEST_ENGINE}`,
    ));

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

function snapshotArgs(repository: string): string[] {
  return [
    '--backfill',
    'snapshot',
    '--repository',
    repository,
    '--repository-location',
    join(c.repoDir, uniqueName('loc')),
  ];
}

describe('live migration with the snapshot/restore backfill', () => {
  it('under the workload: restored, capture takes the rest, dest equals the oracle; snapshot deleted at cleanup', async (t) => {
    const repository = uniqueName('repo');
    const result = await liveScenario(c, {
      seed: 501,
      docs: 400,
      rate: 60,
      sourceMs: 1000,
      destMs: 1000,
      extraArgs: snapshotArgs(repository),
    });
    assertNothingLost(result, 400);
    const m = result.migration;
    const state = (await readState(m.stateDir, m.id))!;
    assert.equal((state.results.backfillMethod as { method: string }).method, 'snapshot');
    assert.match(String(state.steps.backfill?.data.skipped), /not used/);
    const filled = state.steps.fill_ledger?.data.filled as number;
    assert.ok(filled >= 400 * 0.5, `only ${filled} restored documents in the ledger`);
    const name = backfillSnapshotName(m.id);
    assert.equal((await getSnapshot(c.source, repository, name))?.state, 'SUCCESS');
    const cleanup = await ferryOn(m, 'cleanup', ['--yes-delete-source']);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.equal(await c.source.indexExists(m.index), false, 'the source was not deleted');
    assert.equal(await getSnapshot(c.source, repository, name), undefined, 'the snapshot was not deleted');
    t.diagnostic(`${filled} documents restored; ${result.comparison.oracle.checked} documents checked`);
  });

  for (const killAt of KILLS_HERE
    ? ['snapshot_source:snapshot-started', 'restore_dest:restore-started']
    : []) {
    it(`kill -9 at ${killAt}, resume waits for the same snapshot/restore: nothing lost`, async () => {
      const result = await liveScenario(c, {
        seed: killAt.startsWith('snapshot') ? 502 : 503,
        docs: 300,
        rate: 50,
        sourceMs: 500,
        destMs: 800,
        killAt,
        killPhase: 'before-switch',
        extraArgs: snapshotArgs(uniqueName('repo')),
      });
      assert.ok(result.killed, 'the process was not killed');
      assertNothingLost(result, 300);
      const state = (await readState(result.migration.stateDir, result.migration.id))!;
      assert.equal((state.results.backfillMethod as { method: string }).method, 'snapshot');
    });
  }
});

describe('backfill method choice', () => {
  let index: string;
  before(async () => {
    index = uniqueName('choice');
    await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await c.source.bulk(
      `${JSON.stringify({ index: { _index: index, _id: '1' } })}\n${JSON.stringify({ n: 1 })}\n`,
      { refresh: 'true' },
    );
  });

  it('--backfill snapshot with a repository neither cluster has: exit 2, the reason, nothing changed', async () => {
    const m = await newMigration(c, index, {
      extraArgs: ['--backfill', 'snapshot', '--repository', uniqueName('nowhere')],
    });
    const before = [await clusterFingerprint(c.source, index), await clusterFingerprint(c.dest, index)];
    const run = await runFerry(['run', ...m.runArgs]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stdout + run.stderr,
      /--backfill snapshot is not possible: .*not registered on the source/,
    );
    const after = [await clusterFingerprint(c.source, index), await clusterFingerprint(c.dest, index)];
    assert.deepEqual(after, before);
  });

  it('auto with that repository: the plan says sliced copy and why; the run copies and records the reason', async () => {
    const m = await newMigration(c, index, { extraArgs: ['--repository', uniqueName('nowhere')] });
    const plan = await runFerry(['plan', ...m.runArgs.filter((a) => a !== '--quiet')]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(
      plan.stdout,
      /backfill method: sliced copy: the snapshot repository \S+ is not registered on the source/,
    );
    // `ferry run` waits for the switch once caught up: by then the backfill is done and its choice recorded.
    const run = startRun(m);
    const state = await waitUntilReady(m, undefined, false, run);
    process.kill(run.pid, 'SIGTERM');
    await run.done;
    const choice = state.results.backfillMethod as { method: string; reason: string };
    assert.equal(choice.method, 'copy');
    assert.match(choice.reason, /not registered on the source/);
    await c.dest.refresh(index);
    assert.equal(await c.dest.count(index), 1);
    const abort = await ferryOn(m, 'abort');
    assert.equal(abort.code, 0, abort.stderr);
    assert.equal(await c.dest.indexExists(index), false, 'abort left the dest index');
  });
});
