// Ctrl-C on a real `ferry run`: the first SIGINT stops at the next checkpoint, a second one at once; either way
// the migration is left paused (not "running"), the lock is released, no point-in-time stays open on the
// source, the operator is told how to go on, and `ferry resume` reaches the same end.
import assert from 'node:assert/strict';
import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { runFerry, startFerry } from '../harness/ferry-cli.js';
import { readState, waitForState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

async function openContexts(): Promise<number> {
  const body = await c.source.json<{
    nodes: Record<string, { indices: { search: { open_contexts: number } } }>;
  }>({
    method: 'GET',
    path: '/_nodes/stats/indices/search',
  });
  return Object.values(body.nodes).reduce((n, node) => n + node.indices.search.open_contexts, 0);
}

async function lockExists(dir: string): Promise<boolean> {
  return access(join(dir, 'run.lock')).then(
    () => true,
    () => false,
  );
}

describe('Ctrl-C during a live migration', () => {
  it('pauses cleanly at a checkpoint, then at once on a second Ctrl-C; resume finishes the move', async () => {
    const index = uniqueName('sigint');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines = Array.from({ length: 400 }, (_, i) => [
      JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
      JSON.stringify({ n: i }),
    ]).flat();
    assert.equal((await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' })).errors, false);
    const stateDir = await mkdtemp(join(tmpdir(), 'ferry-sigint-'));
    const id = `${index}-to-${index}`;
    const dir = join(stateDir, id);
    const stateArgs = ['--id', id, '--state-dir', stateDir];

    // 1. First Ctrl-C while syncing: stops at the sync loop's next checkpoint.
    const run = startFerry([
      'run',
      '--source-url',
      c.sourceUrl,
      '--dest-url',
      c.destUrl,
      '--source-index',
      index,
      '--state-dir',
      stateDir,
      '--quiet-seconds',
      '1',
    ]);
    await waitForState(stateDir, id, (s) => s.steps.sync?.status === 'running');
    process.kill(run.pid, 'SIGINT');
    const first = await run.done;
    assert.equal(first.code, 130, first.stdout + first.stderr);
    assert.match(first.stderr, /SIGINT: stopping at the next checkpoint/);
    assert.match(first.stdout + first.stderr, new RegExp(`Continue with: ferry resume --id ${id}`));
    assert.equal((await readState(stateDir, id))?.status, 'paused');
    assert.equal(await lockExists(dir), false, 'the lock is released');
    const status = await runFerry(['status', ...stateArgs]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^migration \S+ \(live\): paused$/m);
    assert.match(status.stdout, /^phase: paused at step 7\/9 sync$/m);
    assert.match(status.stdout, /done\s+backfill\s+400 docs copied/);
    assert.match(status.stdout, new RegExp(`next:\n  ferry resume --id ${id}   \\(continue\\)`));

    // 2. No grace: the resumed run stops at once (the path a second Ctrl-C takes; see interrupt.unit.test.ts),
    //    still paused, lock released, contexts closed.
    const resumed = startFerry(['resume', ...stateArgs], { FERRY_STOP_GRACE_SECONDS: '0' });
    await waitForState(stateDir, id, (s) => s.status === 'running' && (s.steps.sync?.attempts ?? 0) >= 2);
    process.kill(resumed.pid, 'SIGTERM');
    const second = await resumed.done;
    assert.equal(second.code, 130, second.stdout + second.stderr);
    assert.match(second.stderr, /SIGTERM: stopping[\s\S]*stopping now[\s\S]*Continue with: ferry resume/);
    assert.equal((await readState(stateDir, id))?.status, 'paused');
    assert.equal(await lockExists(dir), false);
    let contexts = await openContexts();
    for (let i = 0; i < 20 && contexts > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      contexts = await openContexts();
    }
    const pits = await c.source
      .request({ method: 'GET', path: '/_search/point_in_time/_all', okStatuses: [400, 404, 405] })
      .then((r) => JSON.stringify(r.body).slice(0, 300));
    assert.equal(
      contexts,
      0,
      `search contexts left open on the source; PITs: ${pits}; stderr: ${second.stderr}`,
    );

    // 3. Resume with another tuning option, switch, and the dest holds every document.
    const last = startFerry(['resume', ...stateArgs, '--quiet', '--quiet-seconds', '2']);
    await waitForState(stateDir, id, (s) => s.status === 'running' && (s.steps.sync?.attempts ?? 0) >= 3);
    assert.equal((await readState(stateDir, id))?.plan.quietSeconds, 2, 'a tuning option changed on resume');
    // ferry status while it runs, caught up: the phase, lag now and max, conflicts, the next command.
    await waitForState(stateDir, id, (s) => typeof s.results.readyAt === 'string');
    const running = await runFerry(['status', ...stateArgs]);
    assert.equal(running.code, 0, running.stderr);
    assert.match(
      running.stdout,
      /^phase: caught up: capturing changes, waiting for `ferry switch` \(step 7\/9 sync\)$/m,
    );
    assert.match(
      running.stdout,
      /^lag: now \d+ operations \/ [\d.]+ s; max \d+ \/ [\d.]+ s \(last \d+ rounds\); deletes now [\d.]+ s, max [\d.]+ s$/m,
    );
    assert.match(running.stdout, /^conflicts: 0 /m);
    assert.match(running.stdout, /^source write block: off$/m);
    assert.match(running.stdout, new RegExp(`next:\n  ferry switch --id ${id}`));
    const json = JSON.parse((await runFerry(['status', ...stateArgs, '--json'])).stdout) as {
      steps: Record<string, unknown>;
      summary: { phase: string; lag: { rounds: number }; next: string[] };
    };
    assert.ok(json.steps.sync, '--json keeps the whole state');
    assert.ok(json.summary.lag.rounds > 0 && json.summary.next.length > 0, JSON.stringify(json.summary));
    const sw = await runFerry(['switch', ...stateArgs]);
    assert.equal(sw.code, 0, sw.stderr);
    const end = await last.done;
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stdout, /--yes-delete-source/);
    assertSameDocuments(
      await allDocs(c.dest, index),
      await allDocs(c.source, index),
      'dest after Ctrl-C and resume',
    );
  });
});
