// The live strategy's acceptance test: a seeded workload with every operation type writes to the source
// through the whole migration, moves to the destination at a random moment, and at the end the destination
// must equal the workload's oracle document by document: 0 lost, 0 resurrected, 0 stale, 0 extra, and no
// client error caused by Ferry. FERRY_LIVE_SEEDS sets how many seeds (default 10); FERRY_SOAK=1 runs longer.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareWithOracle, createRng, loadInitial, startWorkload } from '../../src/workload/index.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry, startFerry } from '../harness/ferry-cli.js';
import { waitForState } from '../harness/migration-state.js';

const SEEDS = Number(process.env.FERRY_LIVE_SEEDS ?? 10);
const SOAK = process.env.FERRY_SOAK === '1';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('live migration under a mixed workload', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: dest equals the oracle, nothing lost, no client error from Ferry`, async (t) => {
      const rng = createRng(seed * 7919);
      const index = uniqueName(`live-${seed}`);
      const initial = await loadInitial(c.source, index, SOAK ? 5000 : 300, seed, { shards: 1 + (seed % 3) });
      const workload = await startWorkload({ target: { client: c.source, index }, seed, rate: SOAK ? 200 : 60, initial });
      if (workload.disabled.length > 0) t.diagnostic(`left out on ${c.sourceEngine}: ${workload.disabled.map((d) => `${d.type} (${d.reason})`).join(', ')}`);
      const stateDir = await mkdtemp(join(tmpdir(), 'ferry-live-'));
      const id = `${index}-to-${index}`;
      const common = ['--state-dir', stateDir, '--quiet'];
      const run = startFerry(['run', '--source-url', c.sourceUrl, '--dest-url', c.destUrl, '--source-index', index, '--quiet-seconds', '2', '--reconcile-seconds', '2', ...common]);
      try {
        await waitForState(stateDir, id, (s) => typeof s.results.readyAt === 'string');
        // Keep writing to the source a little longer, then move the clients at a random moment.
        await sleep((SOAK ? 20_000 : 1000) + rng.int(2000));
        await workload.whilePaused(async () => {
          const sw = await runFerry(['switch', '--id', id, ...common]);
          assert.equal(sw.code, 0, sw.stderr);
          workload.switchTo(c.dest, index);
        });
        await sleep((SOAK ? 10_000 : 1000) + rng.int(1500));
        const report = await workload.stop();
        const result = await run.done;
        assert.equal(result.code, 0, `ferry run failed:\n${result.stdout}\n${result.stderr}`);
        assert.match(result.stdout, /is waiting for you[\s\S]*--yes-delete-source/);

        const comparison = await compareWithOracle(c.dest, index, report.expected, { lastOpByType: report.lastOpByType, uncertain: report.uncertain });
        const problems = { lost: comparison.lost.length, resurrected: comparison.resurrected.length, stale: comparison.stale.length, extra: comparison.extra.length };
        assert.deepEqual(problems, { lost: 0, resurrected: 0, stale: 0, extra: 0 }, JSON.stringify({ lost: comparison.lost.slice(0, 3), resurrected: comparison.resurrected.slice(0, 3), stale: comparison.stale.slice(0, 3), extra: comparison.extra.slice(0, 3) }));
        assert.ok(comparison.checked >= initial.size * 0.5, `only ${comparison.checked} documents were compared`);
        // The workload sees version conflicts only from its own conditional writes racing; Ferry must cause none.
        const ferryCaused = report.errors.filter((e) => e.side === 'dest' && e.status === 409);
        assert.deepEqual(ferryCaused, [], 'client writes on the dest were refused');
        const attempted = Object.values(report.ops).reduce((n, o) => n + o.succeeded, 0);
        t.diagnostic(`seed ${seed}: ${attempted} successful client operations, ${comparison.checked} documents checked, ${report.uncertain.size} uncertain`);
      } finally {
        await workload.stop().catch(() => undefined);
        stopIfRunning(run.pid);
        await run.done;
      }
    });
  }
});

/** A failed assertion can leave the migration running: stop it so the test ends. */
function stopIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already exited, which is the normal case
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
