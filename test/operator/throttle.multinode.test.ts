// The health throttle on real clusters: the dest index lives on a dest node whose write pool is one thread
// with a one-slot queue, so Ferry's parallel bulks get 429s. Ferry must slow down (the gate's speed drops),
// say why (status and report), lose nothing (the dest ends equal to the source), and lift the throttle after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ThrottleRecord } from '../../src/operator/health-throttle.js';
import type { ThroughputSample } from '../../src/operator/runtime-controls.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { fillWriteQueue, nodeName } from '../harness/faults.js';
import { ferryOn, newMigration, startRun, waitUntilReady } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 8000;

async function destAllocationExclude(name: string | null): Promise<void> {
  await c.dest.json({
    method: 'PUT',
    path: '/_cluster/settings',
    body: { transient: { 'cluster.routing.allocation.exclude._name': name } },
    what: 'test: steer new dest shards',
  });
}

describe('health throttle', () => {
  it('slows down on dest 429s, says why, loses nothing', async (t) => {
    const victim = c.destNodes - 1;
    const index = uniqueName('throttle');
    await c.source.createIndex(index, { settings: { number_of_shards: 4, number_of_replicas: 0 } });
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++)
      lines.push(
        JSON.stringify({ index: { _index: index, _id: `t${i}` } }),
        JSON.stringify({ n: i, pad: 'x'.repeat(300) }),
      );
    await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
    const restore = await fillWriteQueue('dest', victim);
    try {
      // Every new dest shard on the squeezed node: each of Ferry's four slices writes there at once.
      await destAllocationExclude(
        Array.from({ length: c.destNodes }, (_, i) => i)
          .filter((i) => i !== victim)
          .map((i) => nodeName('dest', i))
          .join(','),
      );
      const m = await newMigration(c, index);
      const run = startRun(m);
      t.after(() => {
        try {
          process.kill(run.pid, 'SIGKILL');
        } catch {
          // It ended.
        }
      });
      await waitUntilReady(m, 300_000);
      const status = await ferryOn(m, 'status');
      const sw = await ferryOn(m, 'switch');
      assert.equal(sw.code, 0, sw.stderr);
      const end = await run.done;
      assert.equal(end.code, 0, end.stderr);
      assertSameDocuments(
        await allDocs(c.dest, index),
        await allDocs(c.source, index),
        'dest after throttling',
      );

      const state = (await readState(m.stateDir, m.id))!;
      const throttle = state.results.throttle as ThrottleRecord;
      const first = throttle.events.find((e) => e.throttled);
      assert.ok(first, `never throttled: ${JSON.stringify(throttle)}`);
      assert.match(first.reason, /429|rejected/);
      const samples = state.results.throughput as ThroughputSample[];
      assert.ok(
        samples.some((s) => s.phase === 'backfill' && s.slowdown < 1),
        'the gate never slowed the backfill',
      );
      const started = Date.parse(state.steps.backfill!.startedAt!);
      t.diagnostic(
        `first throttle ${((Date.parse(first.at) - started) / 1000).toFixed(1)} s after the backfill started: ${first.reason}; events ${throttle.events.map((e) => `${e.at.slice(11, 19)} ${Math.round(e.factor * 100)}%`).join(', ')}; ${throttle.throttledChecks}/${throttle.checks} checks throttled; lowest speed ${Math.min(...samples.map((s) => s.slowdown))}`,
      );
      assert.match(status.stdout, /throttle: /);
      const report = await ferryOn(m, 'report');
      assert.match(report.stdout, /throttled to \d+%: .*(429|rejected)/);
    } finally {
      await destAllocationExclude(null);
      await restore();
    }
  });
});
