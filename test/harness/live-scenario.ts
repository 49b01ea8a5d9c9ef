// One live migration under the seeded workload, driven like an operator would: start, wait until caught up,
// switch the clients at a random moment, let them write to the dest, then let Ferry drain and verify.
// A kill point (FERRY_TEST_KILL_AT) makes the first Ferry process SIGKILL itself; the scenario then resumes it.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkloadReport } from '../../src/audit/record.js';
import {
  compareWithOracle,
  createRng,
  loadInitial,
  type OracleComparison,
  startWorkload,
} from '../../tools/workload/index.js';
import type { TestClusters } from './context.js';
import { uniqueName } from './context.js';
import { type CliResult, type RunningFerry, runFerry, startFerry } from './ferry-cli.js';
import { waitForState } from './migration-state.js';

export interface ScenarioOptions {
  seed: number;
  docs: number;
  rate: number;
  /** Time writing to the source after Ferry caught up, and to the dest after the switch. */
  sourceMs: number;
  destMs: number;
  killAt?: string;
  /** When the kill happens: before the switch, while it is acknowledged, or after it. */
  killPhase?: 'before-switch' | 'at-switch' | 'after-switch';
  extraArgs?: string[];
}

export interface ScenarioResult {
  comparison: OracleComparison;
  report: WorkloadReport;
  final: CliResult;
  killed: boolean;
  disabled: string[];
  index: string;
  /** --id and --state-dir of the migration, for further ferry commands. */
  stateArgs: string[];
}

export async function liveScenario(c: TestClusters, o: ScenarioOptions): Promise<ScenarioResult> {
  const rng = createRng(o.seed * 7919);
  const index = uniqueName(`live-${o.seed}`);
  const initial = await loadInitial(c.source, index, o.docs, o.seed, { shards: 1 + (o.seed % 3) });
  const workload = await startWorkload({
    target: { client: c.source, index },
    seed: o.seed,
    rate: o.rate,
    initial,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-live-'));
  const id = `${index}-to-${index}`;
  const common = ['--state-dir', stateDir, '--quiet'];
  const runArgs = [
    'run',
    '--source-url',
    c.sourceUrl,
    '--dest-url',
    c.destUrl,
    '--source-index',
    index,
    '--quiet-seconds',
    '2',
    '--reconcile-seconds',
    '2',
    ...common,
    ...(o.extraArgs ?? []),
  ];
  let ferry: RunningFerry = startFerry(runArgs, o.killAt ? { FERRY_TEST_KILL_AT: o.killAt } : {});
  let killed = false;
  const resumeAfterKill = async () => {
    const res = await ferry.done;
    assert.equal(
      res.signal,
      'SIGKILL',
      `expected a kill at ${o.killAt}; got exit ${res.code}\n${res.stdout}\n${res.stderr}`,
    );
    killed = true;
    ferry = startFerry(['resume', '--id', id, ...common]);
  };
  try {
    if (o.killPhase === 'before-switch') await resumeAfterKill();
    await waitForState(stateDir, id, (s) => typeof s.results.readyAt === 'string');
    await sleep(o.sourceMs + rng.int(2000));
    await workload.whilePaused(async () => {
      const sw = runFerry(['switch', '--id', id, ...common]);
      if (o.killPhase === 'at-switch') await resumeAfterKill();
      const switched = await sw;
      assert.equal(switched.code, 0, switched.stderr);
      workload.switchTo(c.dest, index);
    });
    await sleep(o.destMs + rng.int(1500));
    const report = await workload.stop();
    if (o.killPhase === 'after-switch') await resumeAfterKill();
    const final = await ferry.done;
    assert.equal(final.code, 0, `ferry failed:\n${final.stdout}\n${final.stderr}`);
    const comparison = await compareWithOracle(c.dest, index, report.expected, {
      lastOpByType: report.lastOpByType,
      uncertain: report.uncertain,
    });
    return {
      comparison,
      report,
      final,
      killed,
      disabled: workload.disabled.map((d) => `${d.type} (${d.reason})`),
      index,
      stateArgs: ['--id', id, ...common],
    };
  } finally {
    await workload.stop().catch(() => undefined);
    stopIfRunning(ferry.pid);
    await ferry.done;
  }
}

/** The acceptance assertions: the dest equals the oracle and no client write on the dest was refused. */
export function assertNothingLost(result: ScenarioResult, initialDocs: number): void {
  const { comparison, report } = result;
  const problems = {
    lost: comparison.lost.length,
    resurrected: comparison.resurrected.length,
    stale: comparison.stale.length,
    extra: comparison.extra.length,
  };
  const examples = {
    lost: comparison.lost.slice(0, 3),
    resurrected: comparison.resurrected.slice(0, 3),
    stale: comparison.stale.slice(0, 3),
    extra: comparison.extra.slice(0, 3),
  };
  assert.deepEqual(problems, { lost: 0, resurrected: 0, stale: 0, extra: 0 }, JSON.stringify(examples));
  assert.ok(comparison.checked >= initialDocs * 0.5, `only ${comparison.checked} documents were compared`);
  const refused = report.errors.filter((e) => e.side === 'dest' && e.status === 409);
  assert.deepEqual(refused, [], 'client writes on the dest were refused');
}

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
