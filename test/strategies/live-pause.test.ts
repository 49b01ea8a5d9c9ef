// `ferry pause` during the backfill stops it after the current page (cursors saved, status paused); `ferry
// resume` continues it where it stopped (in the same point-in-time: nothing read twice), and the migration ends
// with the dest equal to the source, document by document.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { raiseSignal } from '../../src/state/operator-signal.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { ferryOn, newMigration, startOn, startRun } from '../harness/migration.js';
import { waitForState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 9000;

describe('ferry pause during the backfill', () => {
  it('stops within a page, resumes from the saved cursors, ends with every document', async () => {
    const index = uniqueName('pause');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++)
      lines.push(
        JSON.stringify({ index: { _index: index, _id: `p${i}` } }),
        JSON.stringify({ n: i, pad: 'x'.repeat(200) }),
      );
    await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
    const m = await newMigration(c, index);
    const run = startRun(m);
    await waitForState(m.stateDir, m.id, (s) => s.steps.backfill?.status === 'running');
    // What `ferry pause` does, without its start-up time: the backfill of this index takes about a second.
    await raiseSignal(join(m.stateDir, m.id), 'pause');
    const first = await run.done;
    assert.equal(first.code, 0, first.stderr);
    const state = await waitForState(m.stateDir, m.id, (s) => s.status === 'paused');
    assert.notEqual(state.steps.backfill?.status, 'done', 'the pause came after the backfill had finished');
    const status = await ferryOn(m, 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^phase: paused at step 6\/9 backfill$/m);
    assert.match(
      status.stdout,
      new RegExp(`stopped\\s+backfill\\s+\\d+/${DOCS} docs \\(\\d+\\.\\d%\\), \\d+ docs/s`),
    );

    const resumed = startOn(m, 'resume');
    await waitForState(m.stateDir, m.id, (s) => typeof s.results.readyAt === 'string');
    // The resumed backfill read on from the cursors in the same read context: no document read twice (a
    // point-in-time closed at the pause made every slice start again, each document skipped the second time).
    const resumedState = await waitForState(m.stateDir, m.id, (s) => s.steps.backfill?.status === 'done');
    const backfill = resumedState.results.backfill as {
      skipped: number;
      sliceRestarts?: number;
      readContext: string;
    };
    // A scroll slice always starts again (sliced-reader.ts: the server may stand pages past the saved cursor).
    if (backfill.readContext !== 'scroll')
      assert.equal(backfill.skipped, 0, 'documents read again after the resume');
    assert.equal(backfill.sliceRestarts ?? 0, 0);
    const sw = await ferryOn(m, 'switch');
    assert.equal(sw.code, 0, sw.stderr);
    const end = await resumed.done;
    assert.equal(end.code, 0, end.stderr);
    assertSameDocuments(
      await allDocs(c.dest, index),
      await allDocs(c.source, index),
      'dest after pause and resume',
    );
  });
});
