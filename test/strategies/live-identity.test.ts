// What the ledger describes must be what is there (src/sync/identity.ts, src/verify/client-ops.ts):
//  - `ferry run` again after a stop (kill -9 or Ctrl-C) and `ferry abort` starts from a fresh ledger in a fresh
//    folder (the old one kept aside) and copies every document; it never calls an empty copy verified;
//  - a dest index deleted and created again under a running migration stops it, and cleanup never deletes the
//    source after that.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments, ndjson } from '../harness/documents.js';
import { runFerry } from '../harness/ferry-cli.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';
import { readState, waitForState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 300;

async function seeded(prefix: string): Promise<string> {
  const index = uniqueName(prefix);
  await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  const lines = Array.from({ length: DOCS }, (_, i) => [
    { index: { _index: index, _id: `d${i}` } },
    { n: i },
  ]);
  assert.equal((await c.source.bulk(ndjson(lines.flat()), { refresh: 'true' })).errors, false);
  return index;
}

/** An application writing to the source (index, update, delete) until stopped; returns the stop function. */
function writeUntilStopped(index: string): () => Promise<number> {
  let stop = false;
  let ops = 0;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      const id = `d${(i * 7) % (DOCS + 50)}`;
      const action =
        i % 5 === 4 ? { delete: { _index: index, _id: id } } : { index: { _index: index, _id: id } };
      const lines = 'delete' in action ? [action] : [action, { n: i, by: 'app' }];
      await c.source.bulk(ndjson(lines));
      ops++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return ops;
  };
}

describe('a re-run after abort', () => {
  for (const [stop, writing] of [
    ['SIGKILL', false],
    ['SIGINT', false],
    ['SIGKILL', true],
  ] as const) {
    it(`after ${stop}${writing ? ', an application writing' : ''}: a fresh ledger copies every document; verified, then cleanup keeps them all`, async (t) => {
      const index = await seeded(stop === 'SIGKILL' ? (writing ? 'rerunw' : 'rerunk') : 'rerunc');
      const stopWriting = writing ? writeUntilStopped(index) : undefined;
      const m = await newMigration(c, index, { quietSeconds: 1 });
      const first = startRun(m);
      await waitUntilReady(m, undefined, false, first);
      process.kill(first.pid, stop);
      await first.done;
      const aborted = await ferryOn(m, 'abort');
      assert.equal(aborted.code, 0, aborted.stdout + aborted.stderr);
      assert.equal(await c.dest.indexExists(index), false, 'abort removed the dest index');
      const listed = await runFerry(['list', '--state-dir', m.stateDir]);
      assert.match(listed.stdout, new RegExp(`${m.id}\\s+aborted .*undone by ferry abort`), listed.stdout);

      const oldRun = (await readState(m.stateDir, m.id))?.runId;
      const second = startRun(m);
      // The aborted run's state says it was ready too: wait for the new run's.
      const fresh = await waitForState(
        m.stateDir,
        m.id,
        (s) => s.runId !== oldRun && typeof s.results.readyAt === 'string',
        undefined,
        false,
        second,
      );
      assert.equal(fresh.status, 'running');
      // The application stops before the switch: the source is then the truth the dest must equal.
      if (stopWriting) t.diagnostic(`the application made ${await stopWriting()} writes on the source`);
      await c.source.refresh(index);
      const expected = await allDocs(c.source, index);
      const kept = await readdir(join(m.stateDir, '.archive'));
      assert.equal(kept.length, 1, 'the aborted run is kept aside');
      assert.ok(kept[0]?.startsWith(`${m.id}.aborted-`), kept[0]);
      assert.ok((await readdir(join(m.stateDir, '.archive', kept[0]!))).includes('ledger.db'));
      const switched = await ferryOn(m, 'switch');
      assert.equal(switched.code, 0, switched.stdout + switched.stderr);
      const waiting = await second.done;
      assert.equal(waiting.code, 0, waiting.stdout + waiting.stderr);
      const state = await readState(m.stateDir, m.id);
      const v = state?.results.verification as { byVerdict: Record<string, number>; unexplained: number };
      assert.deepEqual(
        { unexplained: v.unexplained, clientDeleted: v.byVerdict.client_deleted, ok: v.byVerdict.ok },
        { unexplained: 0, clientDeleted: 0, ok: expected.size },
      );
      assertSameDocuments(await allDocs(c.dest, index), expected, 'dest after the re-run');

      const cleaned = await ferryOn(m, 'cleanup', ['--yes-delete-source']);
      assert.equal(cleaned.code, 0, cleaned.stdout + cleaned.stderr);
      assert.equal(await c.source.indexExists(index), false);
      assertSameDocuments(await allDocs(c.dest, index), expected, 'dest after cleanup');
    });
  }
});

describe('a dest index replaced under a running migration', () => {
  it('stops the migration naming it, and cleanup never deletes the source', async () => {
    const index = await seeded('replaced');
    const m = await newMigration(c, index, { quietSeconds: 1 });
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    const definition = await c.dest.getIndex(index);
    await c.dest.deleteIndex(index);
    await c.dest.createIndex(index, {
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: definition.mappings,
    });
    const stopped = await run.done;
    assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
    assert.match(
      stopped.stderr,
      new RegExp(`The dest index ${index} (was replaced|is gone)[\\s\\S]*ferry abort`),
    );
    const failed = await waitForState(m.stateDir, m.id, (s) => s.status === 'failed', 10_000, true);
    assert.equal(failed.steps.sync?.status, 'failed');

    const cleanup = await ferryOn(m, 'cleanup', ['--yes-delete-source']);
    assert.equal(cleanup.code, 1, cleanup.stdout + cleanup.stderr);
    assert.match(cleanup.stderr, /was replaced/);
    assert.equal(await c.source.indexExists(index), true, 'the source stays');
    assert.equal(await c.source.count(index), DOCS);
  });
});
