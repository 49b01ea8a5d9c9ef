// Operator hooks on real clusters: every event's command runs with the migration's facts in FERRY_*
// variables and none of the operator's own FERRY_* settings (where credentials live); a failing caught_up
// hook stops the migration before the switch (the switch is refused, nothing moved), and a resume with the
// hook fixed goes on to the end with every document on the dest.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterName } from '../../src/cluster/health.js';
import type { HookRecord } from '../../src/operator/hooks.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { ferryOn, newMigration, startRun } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 500;
const EVENTS = ['start', 'phase', 'caught_up', 'move_clients', 'done', 'failure'];

/** A hook that writes its FERRY_* variables to <out>/<n>.<event>.env (n orders the runs). */
function recorder(out: string, then = ''): string {
  return `n=$(ls "${out}" | wc -l); env | grep '^FERRY_' | sort > "${out}/$(printf %03d $n).$FERRY_EVENT.env"${then}`;
}

async function recorded(out: string): Promise<Record<string, string>[]> {
  const files = (await readdir(out)).sort();
  return Promise.all(
    files.map(async (f) =>
      Object.fromEntries(
        (await readFile(join(out, f), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    ),
  );
}

describe('operator hooks', () => {
  it('run with the facts at every event; a failing caught_up hook stops before the switch', async () => {
    const index = uniqueName('hooks');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++)
      lines.push(JSON.stringify({ index: { _index: index, _id: `h${i}` } }), JSON.stringify({ n: i }));
    await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
    const out = await mkdtemp(join(tmpdir(), 'ferry-hooks-'));
    const hooks = EVENTS.flatMap((e) => [
      '--hook',
      `${e}=${recorder(out, e === 'caught_up' ? '; exit 3' : '')}`,
    ]);
    const m = await newMigration(c, index, { extraArgs: hooks });
    // A FERRY_* setting of the operator's (credentials live in such variables) must not reach a hook.
    const first = await startRun(m, { FERRY_STOP_GRACE_SECONDS: '15' }).done;
    assert.equal(first.code, 1, `the failing hook must fail the run: ${first.stderr}`);
    assert.match(first.stderr, /caught_up hook failed \(exit 3\)/);
    let state = (await readState(m.stateDir, m.id))!;
    assert.equal(state.status, 'failed');
    assert.equal(state.steps.sync?.status, 'failed');
    assert.equal(state.results.switchAcknowledgedAt, undefined);
    const failedHook = (state.results.hooks as HookRecord[]).find((h) => h.event === 'caught_up');
    assert.deepEqual([failedHook?.ok, failedHook?.exitCode, failedHook?.phase], [false, 3, 'sync']);

    const firstRuns = await recorded(out);
    assert.deepEqual(
      firstRuns.map((e) => `${e.FERRY_EVENT}:${e.FERRY_PHASE}`),
      [
        'start:preflight',
        'phase:preflight',
        'phase:create_dest_index',
        'phase:backfill',
        'phase:sync',
        'caught_up:sync',
        'failure:sync',
      ],
    );
    const [sourceCluster, destCluster] = [await clusterName(c.source), await clusterName(c.dest)];
    for (const env of firstRuns) {
      assert.equal(env.FERRY_ID, m.id);
      assert.equal(env.FERRY_STRATEGY, 'live');
      assert.equal(env.FERRY_SOURCE_INDEX, index);
      assert.equal(env.FERRY_DEST_INDEX, index);
      assert.equal(env.FERRY_SOURCE_CLUSTER, sourceCluster);
      assert.equal(env.FERRY_DEST_CLUSTER, destCluster);
      assert.equal(env.FERRY_STOP_GRACE_SECONDS, undefined, 'an operator FERRY_* variable reached a hook');
      assert.ok(!Object.values(env).some((v) => v.includes('://')), 'a URL reached a hook');
    }
    assert.ok(Number(firstRuns[5]!.FERRY_LAG_OPS) >= 0);
    assert.match(firstRuns[6]!.FERRY_ERROR ?? '', /caught_up hook failed/);

    // The operator asks for the switch: refused while the migration is failed, nothing moved.
    const sw = await ferryOn(m, 'switch', ['--timeout', '5', '--json']);
    assert.equal(sw.code, 1);
    const refused = JSON.parse(sw.stdout) as Record<string, unknown>;
    assert.deepEqual(
      [refused.id, refused.command, refused.status, refused.migrationStatus],
      [m.id, 'switch', 'not-switched', 'failed'],
    );
    assert.match(String(refused.message), /do not move the clients/);
    assert.equal((await readState(m.stateDir, m.id))!.results.switchAcknowledgedAt, undefined);

    // Fixed hook on resume: the switch requested above goes on once the hook passed.
    const end = await ferryOn(m, 'resume', ['--hook', `caught_up=${recorder(out)}`]);
    assert.equal(end.code, 0, end.stderr);
    assert.equal((await readState(m.stateDir, m.id))!.status, 'waiting');
    const sourceDocs = await allDocs(c.source, index);
    const cleanup = await ferryOn(m, 'cleanup', ['--yes-delete-source', '--json']);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    const done = JSON.parse(cleanup.stdout) as Record<string, unknown>;
    assert.deepEqual([done.id, done.command, done.status], [m.id, 'cleanup', 'done']);
    assert.equal(done.message, `migration ${m.id} is done. Details: ferry status --id ${m.id}`);
    assertSameDocuments(await allDocs(c.dest, index), sourceDocs, 'dest after the hooks');
    assert.equal(sourceDocs.size, DOCS);

    const later = (await recorded(out)).slice(firstRuns.length);
    const names = later.map((e) => `${e.FERRY_EVENT}:${e.FERRY_PHASE}`);
    assert.deepEqual(names.slice(0, 3), ['start:sync', 'phase:sync', 'caught_up:sync']);
    assert.ok(names.includes('move_clients:sync'), names.join(' '));
    assert.ok(names.indexOf('caught_up:sync') < names.indexOf('move_clients:sync'));
    assert.equal(later.find((e) => e.FERRY_EVENT === 'move_clients')?.FERRY_WRITE_BLOCK, '0');
    assert.equal(names.at(-1), 'done:');
    state = (await readState(m.stateDir, m.id))!;
    assert.equal(state.status, 'done');
    assert.ok((state.results.hooks as HookRecord[]).filter((h) => h.ok).length >= names.length);
  });
});
