// The seed's two-pass method run through the real CLI on real clusters: a clean run, real kill -9s at every
// step boundary and inside the snapshot and the reindex, and abort.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';
import { ferryOn, type Migration, newMigration } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

// Decided before the tests are declared: two-pass needs ingest pipelines on the source and reindex on the
// dest, which the reduced Elasticsearch 8/9 nodes lack; there, only the preflight's refusal is tested.
const c: TestClusters = await testClusters();
const [sourceCan, destCan] = await Promise.all([capabilities(c.source), capabilities(c.dest)]);
const supported = sourceCan.ingest && destCan.reindex;
// Kills and abort test Ferry's own steps, alike on every engine: where only the engine map runs, the clean
// migration (and the refusal) are what can differ (test/harness/test-scopes.ts).
const stepsHere = supported && process.env.FERRY_TEST_SCOPE !== 'engine';
after(async () => {
  await c.close();
});

describe('two-pass on servers without pipelines or reindex', () => {
  if (supported) return;
  it('is refused by the preflight, naming the missing module and the live strategy', async () => {
    const index = uniqueName('tp-refused');
    await seedIndex(index, 5);
    const m = await twoPass(index);
    for (const command of ['plan', 'run']) {
      const res = await runFerry([command, ...m.runArgs]);
      assert.equal(res.code, 2, res.stdout + res.stderr);
      const output = res.stdout + res.stderr;
      if (!sourceCan.ingest) assert.match(output, /ingest-common module missing[\s\S]*use --strategy live/);
      if (!destCan.reindex) assert.match(output, /has no reindex module[\s\S]*use --strategy live/);
    }
    assert.equal(await c.dest.indexExists(index), false);
  });
});

async function seedIndex(index: string, docs: number): Promise<void> {
  await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  const lines: string[] = [];
  for (let i = 0; i < docs; i++) {
    // Every fifth document has a custom routing: the copy must keep it.
    const routing = i % 5 === 0 ? { routing: `r${i % 3}` } : {};
    lines.push(
      JSON.stringify({ index: { _index: index, _id: `d${i}`, ...routing } }),
      JSON.stringify({ n: i, title: `doc ${i}`, tags: ['a', `t${i % 7}`] }),
    );
  }
  const res = await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
  assert.equal(res.errors, false);
}

function twoPass(index: string): Promise<Migration> {
  return newMigration(c, index, { strategy: 'two-pass', repository: true });
}

describe('two-pass without load', () => {
  if (!supported) return;
  it('moves every document with its routing, then deletes the source only when told', async () => {
    const index = uniqueName('tp-clean');
    await seedIndex(index, 300);
    const expected = await allDocs(c.source, index);
    const m = await twoPass(index);

    const first = await runFerry(['run', ...m.runArgs, '--confirm-switch']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /--yes-delete-source/);
    assert.ok(await c.source.indexExists(index), 'the source must stay until the operator says yes');
    const dest = await allDocs(c.dest, index);
    assertSameDocuments(dest, expected, 'dest after two-pass');
    for (const [id, doc] of expected) assert.equal(dest.get(id)?.routing, doc.routing, `routing of ${id}`);

    const last = await ferryOn(m, 'resume', ['--yes-delete-source']);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(await c.source.indexExists(index), false);
    assert.equal(await c.source.indexExists(`${index}-ferry-delta`), false);
    assertSameDocuments(await allDocs(c.dest, index), expected, 'dest after cleanup');
    // The repository Ferry registered (on both clusters) and its snapshot are gone after the clean finish.
    const repo = repositoryOf(m);
    assert.deepEqual(await repositories(c.source, repo), [], `${repo} on the source after the finish`);
    assert.deepEqual(await repositories(c.dest, repo), [], `${repo} on the dest after the finish`);
    const state = await readState(m.stateDir, m.id);
    assert.deepEqual([...((state?.results.snapshotRemoved as string[]) ?? [])].sort(), [
      `repository ${repo} (dest)`,
      `repository ${repo} (source)`,
      `snapshot ${repo}/ferry-${m.id}`,
    ]);
  });

  it('--keep-snapshot, given to run and not to resume, keeps the snapshot and both registrations', async () => {
    const index = uniqueName('tp-keep');
    await seedIndex(index, 20);
    const m = await twoPass(index);
    const first = await runFerry(['run', ...m.runArgs, '--confirm-switch', '--keep-snapshot']);
    assert.equal(first.code, 0, first.stderr);
    const last = await ferryOn(m, 'resume', ['--yes-delete-source']);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(await c.source.indexExists(index), false);
    const repo = repositoryOf(m);
    assert.deepEqual(await repositories(c.source, repo), [repo]);
    assert.deepEqual(await repositories(c.dest, repo), [repo]);
    const snapshots = await c.source.json<{ snapshots: { snapshot: string }[] }>({
      method: 'GET',
      path: `/_snapshot/${repo}/_all`,
    });
    assert.deepEqual(
      snapshots.snapshots.map((s) => s.snapshot),
      [`ferry-${m.id}`],
    );
    await c.source.json({ method: 'DELETE', path: `/_snapshot/${repo}/ferry-${m.id}` });
    for (const side of [c.source, c.dest]) await side.json({ method: 'DELETE', path: `/_snapshot/${repo}` });
  });
});

/** The fresh repository newMigration named for this migration. */
function repositoryOf(m: Migration): string {
  return m.runArgs[m.runArgs.indexOf('--repository') + 1] as string;
}

/** This migration's repository among those registered on a cluster (other tests' repositories left out). */
async function repositories(client: TestClusters['source'], repo: string): Promise<string[]> {
  const all = await client.json<Record<string, unknown>>({ method: 'GET', path: '/_snapshot' });
  return Object.keys(all).filter((name) => name === repo);
}

const KILL_POINTS = [
  'pre_migration_check:start',
  'pre_migration_check:done',
  'change_pipeline:start',
  'change_pipeline:done',
  'snaps:start',
  'snaps:snapshot-started',
  'snaps:snapshot-done',
  'snaps:restore-started',
  'snaps:done',
  'verifying_snapshot_and_restore:start',
  'verifying_snapshot_and_restore:done',
  'make_null:start',
  'make_null:done',
  'switch_clients:start',
  'switch_clients:done',
  'reindex_data:start',
  'reindex_data:task-started',
  'reindex_data:done',
  'second_pass_verification:start',
  'second_pass_verification:done',
  'delete_index:start',
] as const;

describe('two-pass killed with -9 at every step boundary', () => {
  if (!stepsHere) return;
  it('resumes after each kill and reaches the same end state', async () => {
    const index = uniqueName('tp-kill');
    await seedIndex(index, 150);
    const expected = await allDocs(c.source, index);
    const m = await twoPass(index);
    let started = false;
    let written = false;
    for (const point of KILL_POINTS) {
      const command = started ? ['resume', ...m.stateArgs] : ['run', ...m.runArgs];
      const res = await runFerry([...command, '--confirm-switch'], { FERRY_TEST_KILL_AT: point });
      assert.equal(res.signal, 'SIGKILL', `expected a kill at ${point}; exit ${res.code}: ${res.stderr}`);
      started = true;
      if (point === 'change_pipeline:done' && !written) {
        // Writes after the pipeline change land in the delta index and must reach the dest in the second pass.
        for (let i = 0; i < 10; i++) {
          await c.source.json({
            method: 'PUT',
            path: `/${index}/_doc/late${i}`,
            body: { n: 1000 + i, title: `late ${i}`, tags: ['late'] },
          });
          expected.set(`late${i}`, {
            source: { n: 1000 + i, title: `late ${i}`, tags: ['late'] },
            version: 1,
            routing: undefined,
          });
        }
        written = true;
      }
    }
    const done = await ferryOn(m, 'resume', ['--yes-delete-source']);
    assert.equal(done.code, 0, done.stderr);
    const status = await ferryOn(m, 'status', ['--json']);
    const state = JSON.parse(status.stdout) as {
      status: string;
      steps: Record<string, { status: string; attempts: number }>;
    };
    assert.equal(state.status, 'done');
    for (const [name, step] of Object.entries(state.steps)) assert.equal(step.status, 'done', name);
    assert.ok((state.steps.snaps?.attempts ?? 0) >= 4, 'snaps was entered again after each kill inside it');
    assertSameDocuments(await allDocs(c.dest, index), expected, 'dest after kills and resumes');
    assert.equal(await c.source.indexExists(index), false);
  });
});

describe('two-pass abort', () => {
  if (!stepsHere) return;
  it('puts the source back as it was and removes what Ferry created', async () => {
    const index = uniqueName('tp-abort');
    await seedIndex(index, 50);
    await c.source.json({
      method: 'PUT',
      path: `/_ingest/pipeline/${index}-own`,
      body: { processors: [{ set: { field: 'own', value: true } }] },
    });
    await c.source.putIndexSettings(index, { 'index.default_pipeline': `${index}-own` });
    const before = await Promise.all([
      clusterFingerprint(c.source, index),
      clusterFingerprint(c.dest, index),
    ]);
    const m = await twoPass(index);
    const run = await runFerry(['run', ...m.runArgs]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /--confirm-switch/);
    // The existing default pipeline is chained, not lost: a write still gets its field and lands in the delta.
    const write = await c.source.json<{ _index: string }>({
      method: 'PUT',
      path: `/${index}/_doc/x1`,
      query: { refresh: true },
      body: { n: 1 },
    });
    assert.equal(write._index, `${index}-ferry-delta`);
    const delta = await c.source.json<{ _source: { own?: boolean } }>({
      method: 'GET',
      path: `/${index}-ferry-delta/_doc/x1`,
    });
    assert.equal(delta._source.own, true);

    // The delta holds that write: abort refuses to delete it unless told (two-pass-lifecycle.test.ts has the
    // --keep-delta side); here the operator says the write may go.
    const refused = await ferryOn(m, 'abort');
    assert.equal(refused.code, 2, refused.stderr);
    const abort = await ferryOn(m, 'abort', ['--delete-delta']);
    assert.equal(abort.code, 0, abort.stderr);
    const afterAbort = await Promise.all([
      clusterFingerprint(c.source, index),
      clusterFingerprint(c.dest, index),
    ]);
    assert.deepEqual(afterAbort, before);
  });
});
