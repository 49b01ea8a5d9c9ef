// The switch-over rule, case by case, with writes on both sides after `ferry switch`:
//  - a document a client wrote on the dest keeps the dest version; the later source write is a reported conflict;
//  - a source write to a document no client touched on the dest is applied there;
//  - a document a client deleted on the dest stays deleted;
//  - a document created on the dest by a client stays; a source delete of an untouched document reaches the dest.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs } from '../harness/documents.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('live switch-over rule', () => {
  it('lets dest writes after the switch win, applies untouched source changes, and reports conflicts', async () => {
    const index = uniqueName('rule');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines: string[] = [];
    for (let i = 0; i < 50; i++)
      lines.push(JSON.stringify({ index: { _index: index, _id: `d${i}` } }), JSON.stringify({ n: i }));
    await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
    // The stragglers below are written once `ferry switch` has returned; under load its process alone took up to
    // 3 s to exit, after which a 3 s quiet window had already ended the run without them. 10 s leaves room.
    const m = await newMigration(c, index, { quietSeconds: 10, reconcileSeconds: 1 });
    const run = startRun(m);
    await waitUntilReady(m, undefined, false, run);
    const sw = await ferryOn(m, 'switch');
    assert.equal(sw.code, 0, sw.stderr);

    const put = (client: typeof c.source, docId: string, body: unknown) =>
      client.json({ method: 'PUT', path: `/${index}/_doc/${docId}`, body });
    const del = (client: typeof c.source, docId: string) =>
      client.json({ method: 'DELETE', path: `/${index}/_doc/${docId}` });
    await put(c.dest, 'd1', { n: 1, by: 'dest client' }); // then a straggler writes d1 on the source
    await put(c.source, 'd1', { n: 1, by: 'source straggler' });
    await put(c.source, 'd2', { n: 2, by: 'source straggler' }); // untouched on the dest: applied
    await del(c.dest, 'd3'); // deleted by a client on the dest: stays deleted
    await put(c.dest, 'new1', { n: 100, by: 'dest client' }); // new on the dest: stays
    await del(c.source, 'd4'); // a straggler delete of an untouched document: reaches the dest

    const result = await run.done;
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const dest = await allDocs(c.dest, index);
    assert.deepEqual(dest.get('d1')?.source, { n: 1, by: 'dest client' });
    assert.deepEqual(dest.get('d2')?.source, { n: 2, by: 'source straggler' });
    assert.equal(dest.has('d3'), false, 'a client delete on the dest was undone');
    assert.deepEqual(dest.get('new1')?.source, { n: 100, by: 'dest client' });
    assert.equal(dest.has('d4'), false, 'a source delete of an untouched document did not reach the dest');
    assert.equal(dest.size, 50 - 2 + 1);

    const report = await ferryOn(m, 'report', ['--json']);
    const results = JSON.parse(report.stdout) as {
      sync: { conflicts: number; conflictsFile: string };
      verification: {
        unexplained: number;
        clientOwned: number;
        byVerdict: Record<string, number>;
        sourceDocs: number;
        destDocs: number;
      };
    };
    const conflicts = (await readFile(results.sync.conflictsFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { id: string; change: string; destSeqNo: number | null; sourceSeqNo: number },
      );
    assert.deepEqual(
      conflicts.map((x) => `${x.id}:${x.change}`),
      ['d1:write'],
    );
    assert.ok(
      conflicts[0]!.destSeqNo !== null && conflicts[0]!.sourceSeqNo >= 0,
      'both sides of the conflict',
    );
    assert.equal(results.verification.unexplained, 0);
    // Both listings count every shard: 50 less d4 on the source; 50 less d3 and d4, plus new1 on the dest.
    assert.deepEqual([results.verification.sourceDocs, results.verification.destDocs], [49, 49]);
    // d1 and new1 written by a client on the dest, d3 deleted there: counted apart, not differences.
    assert.equal(results.verification.byVerdict.client_wrote, 2);
    assert.equal(results.verification.byVerdict.client_deleted, 1);
  });
});
