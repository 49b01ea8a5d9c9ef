// The seed's two-pass method with the applications writing through the whole migration, then the loss audit.
// The numbers must be what the method explains: deletes on the source after the snapshot come back on the dest
// (resurrected), documents created through the rerouting pipeline are kept, and the source is not deleted
// because the counts never agree. The audit table is printed for the notes.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { reportToJson } from '../../src/audit/record-json.js';
import type { LossAudit } from '../../src/report/loss-audit.js';
import { formatLossAudit } from '../../src/report/loss-audit.js';
import { loadInitial, startWorkload } from '../../tools/workload/index.js';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { ferryOn, newMigration } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

const c: TestClusters = await testClusters();
const [sourceCan, destCan] = await Promise.all([capabilities(c.source), capabilities(c.dest)]);
after(async () => {
  await c.close();
});

describe('two-pass under load: the loss audit', () => {
  // Needs pipelines and reindex; on the reduced Elasticsearch 8/9 nodes two-pass.test.ts checks the refusal.
  if (!(sourceCan.ingest && destCan.reindex)) return;
  it('measures what the method loses, per operation type', async (t) => {
    const index = uniqueName('tp-audit');
    const initial = await loadInitial(c.source, index, 300, 11, { shards: 2 });
    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 11,
      rate: 40,
      initial,
    });
    const m = await newMigration(c, index, {
      strategy: 'two-pass',
      repository: true,
      extraArgs: ['--accept-count-drift'],
    });
    try {
      await sleep(1500);
      const first = await runFerry(['run', ...m.runArgs]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /--confirm-switch/);
      // Applications keep writing to the source after the snapshot: this is where the method loses writes.
      await sleep(5000);
      await workload.whilePaused(async () => workload.switchTo(c.dest, index));
      const second = await ferryOn(m, 'resume', ['--confirm-switch', '--accept-count-drift']);
      // The counts differ under load, so delete_index refuses to delete the source: that is the guard working.
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(second.stderr, /source is not deleted/);
      assert.ok(await c.source.indexExists(index));
      await sleep(1000);
    } finally {
      await workload.stop();
    }
    const report = await workload.stop();
    const reportFile = join(m.stateDir, 'workload.json');
    await writeFile(reportFile, JSON.stringify(reportToJson(report)));
    const res = await ferryOn(m, 'audit', ['--workload-report', reportFile, '--json']);
    const audit = JSON.parse(res.stdout) as LossAudit;
    const bad = audit.rows.reduce((n, r) => n + r.lost + r.resurrected + r.stale, 0);
    // Resurrected deletes are asserted below, so the verdict must be a loss and the exit code 1.
    assert.equal(res.code, 1, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(
        `^audit: \\d+ lost, \\d+ resurrected, \\d+ stale of ${audit.checked} checked.* \\(the method lost writes\\)`,
        'm',
      ),
    );
    assert.ok(bad > 0);
    t.diagnostic(`loss audit on ${c.sourceEngine} -> ${c.destEngine}:\n${formatLossAudit(audit).join('\n')}`);

    const row = (type: string) =>
      audit.rows.find((r) => r.type === type) ?? { kept: 0, lost: 0, resurrected: 0, stale: 0, succeeded: 0 };
    const sum = audit.rows.reduce((n, r) => n + r.kept + r.lost + r.resurrected + r.stale, 0);
    assert.equal(sum, audit.checked, 'every checked document is in exactly one audit cell');
    assert.equal(
      row('create').lost + row('create').stale,
      0,
      'documents created through the pipeline must be kept',
    );

    // Deletes made on the source after the snapshot finished never reach the dest: each must come back.
    const state = await readState(m.stateDir, m.id);
    const snapshotDone = Date.parse(state?.steps.snaps?.finishedAt ?? '');
    const deletedAfterSnapshot = [...report.lastWrite].filter(
      ([docId, w]) =>
        w.side === 'source' &&
        w.at > snapshotDone &&
        ['delete', 'bulk_delete', 'delete_by_query'].includes(w.type) &&
        docId.startsWith('d') &&
        !report.uncertain.has(docId),
    );
    const resurrected = audit.rows.reduce(
      (n, r) => n + (['delete', 'bulk_delete', 'delete_by_query'].includes(r.type) ? r.resurrected : 0),
      0,
    );
    assert.ok(
      resurrected >= deletedAfterSnapshot.length,
      `${deletedAfterSnapshot.length} deletes after the snapshot, only ${resurrected} resurrected`,
    );
    assert.ok(
      deletedAfterSnapshot.length > 0,
      'the workload made no delete after the snapshot: the run is too short to show the loss',
    );
  });
});

describe('ferry audit: the verdict and a report an application wrote by hand', () => {
  if (!(sourceCan.ingest && destCan.reindex)) return;
  it('reads the documented minimal format; exit 0 when nothing is lost, 1 with the counts when something is', async () => {
    const index = uniqueName('tp-verdict');
    await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const lines = Array.from({ length: 5 }, (_, i) => [
      JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
      JSON.stringify({ n: i }),
    ]).flat();
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const m = await newMigration(c, index, { strategy: 'two-pass', repository: true });
    const run = await runFerry(['run', ...m.runArgs, '--confirm-switch']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await c.dest.count(index), 5);

    // Only "expected" (the docs' minimal report): the five documents as they are, and one deleted id.
    const expected: [string, unknown][] = Array.from({ length: 5 }, (_, i) => [`d${i}`, { n: i }]);
    const clean = join(m.stateDir, 'clean.json');
    await writeFile(clean, JSON.stringify({ expected: [...expected, ['gone', null]] }));
    const ok = await ferryOn(m, 'audit', ['--workload-report', clean]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.split('\n')[0], 'audit: nothing lost of 6 checked');

    // The application says it wrote d1 differently, created d9, deleted d2: stale, lost, resurrected.
    const wrong = join(m.stateDir, 'wrong.json');
    await writeFile(
      wrong,
      JSON.stringify({
        expected: [
          ['d0', { n: 0 }],
          ['d1', { n: 100 }],
          ['d2', null],
          ['d9', { n: 9 }],
        ],
        lastOpByType: [
          ['d1', 'update'],
          ['d2', 'delete'],
          ['d9', 'create'],
        ],
        ops: { update: { succeeded: 1 }, delete: { succeeded: 1 }, create: { succeeded: 1 } },
        errors: [{ type: 'update', status: 409, errorType: 'version_conflict_engine_exception' }],
      }),
    );
    const lost = await ferryOn(m, 'audit', ['--workload-report', wrong]);
    assert.equal(lost.code, 1, lost.stdout + lost.stderr);
    assert.equal(
      lost.stdout.split('\n')[0],
      'audit: 1 lost, 1 resurrected, 1 stale of 4 checked (the method lost writes)',
    );
    assert.match(lost.stdout, /update .* 1x 409 version_conflict_engine_exception/);

    const broken = join(m.stateDir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ops: {} }));
    const refused = await ferryOn(m, 'audit', ['--workload-report', broken]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /has no "expected" list/);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
