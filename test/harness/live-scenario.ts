// One live migration under the seeded workload, driven like an operator would. The application (the
// workload's one logical client) starts on the source and moves to the destination at one instant:
//  - 'paused-at-switch': it pauses while `ferry switch` runs, moves, and stops before Ferry drains;
//  - 'during-backfill', 'before-switch', 'after-move-now': it never pauses, moves at that moment (the last one
//    when `ferry switch` says to), and writes to the destination through the drain, the verification and
//    `ferry cleanup` until the end of the scenario.
// A kill point (FERRY_TEST_KILL_AT) is given to every Ferry process of the migration; whichever reaches it
// SIGKILLs itself and is resumed as an operator would (`ferry resume`, or `ferry switch` again).
import assert from 'node:assert/strict';
import type { WorkloadReport } from '../../src/audit/record.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import {
  createRng,
  loadInitial,
  type Rng,
  startWorkload,
  type Workload,
} from '../../tools/workload/index.js';
import type { TestClusters } from './context.js';
import { uniqueName } from './context.js';
import type { CliResult, RunningFerry } from './ferry-cli.js';
import { ferryOn, type Migration, newMigration, startOn, startRun, waitUntilReady } from './migration.js';
import { readState } from './migration-state.js';
import { compareScenario, type ScenarioComparison } from './scenario-checks.js';

export { assertNothingLost } from './scenario-checks.js';

export type Move = 'paused-at-switch' | 'during-backfill' | 'before-switch' | 'after-move-now';

/** The lines `ferry switch` prints when the clients may move (rolling, fenced). */
export const MOVE_NOW = /move the clients now|clients may write to the destination now/;

export interface ScenarioOptions {
  seed: number;
  docs: number;
  rate: number;
  /** Time writing to the source after Ferry caught up, and to the dest after the switch. */
  sourceMs: number;
  destMs: number;
  /** When the application moves; default 'paused-at-switch'. */
  move?: Move;
  /** Fenced mode: `--write-block`. */
  fenced?: boolean;
  /** Run `ferry cleanup --yes-delete-source` after Ferry's verification (never-stop moves only). */
  cleanup?: boolean;
  /** Replicas of the source index; default 1 when both clusters have more than one data node. */
  replicas?: number;
  killAt?: string;
  /** 'paused-at-switch' only: when the kill happens (before the switch, while it is acknowledged, after it). */
  killPhase?: 'before-switch' | 'at-switch' | 'after-switch';
  /** Extra environment of the `ferry run` process (e.g. FERRY_TEST_LOSE_CHANGES). */
  runEnv?: Record<string, string>;
  /** The run is expected to fail its final verification (exit 1): no cleanup. */
  expectRunFailure?: boolean;
  reconcileSeconds?: number;
  extraArgs?: string[];
  /** Runs after Ferry caught up, before the move or switch, while the application writes (e.g. a fault). */
  beforeSwitch?: (index: string) => Promise<void>;
  /**
   * Never-stop moves after the backfill: starts the moment the backfill step runs, while Ferry copies and the
   * application writes (e.g. a node killed mid-copy); the switch waits until it settled.
   */
  duringBackfill?: (index: string, m: Migration) => Promise<void>;
  /** A run that stops with a failed step is resumed (`ferry resume`), as an operator would, up to 3 times. */
  resumeAfterStop?: boolean;
}

/** A Ferry run that stopped on its own with a failed step: when, and what it told the operator. */
export interface FerryStop {
  at: number;
  message: string;
}

export interface ScenarioResult {
  comparison: ScenarioComparison;
  report: WorkloadReport;
  final: CliResult;
  /** Which Ferry process was killed at the kill point, if any. */
  killed: false | 'run' | 'switch' | 'cleanup';
  disabled: string[];
  index: string;
  /** --id and --state-dir of the migration, for further ferry commands. */
  stateArgs: string[];
  migration: Migration;
  /** `ferry switch`'s move-now line, and when the application moved (ms since the epoch). */
  switchLine?: string;
  movedAt?: number;
  /** Whether the backfill step was still running when the application moved ('during-backfill'). */
  movedDuringBackfill?: boolean;
  /** Whether the backfill step was still running when `duringBackfill` had struck (its first await returned). */
  faultDuringBackfill?: boolean;
  /** Runs that stopped with a failed step and were resumed (resumeAfterStop). */
  stops?: FerryStop[];
  /** Ferry's final verification as saved in the state. */
  verification?: { unexplained?: number; clientOwned?: unknown };
  stateStatus?: string;
  cleanup?: CliResult;
  sourceExistsAfter?: boolean;
  durationMs: number;
}

interface Run {
  c: TestClusters;
  o: ScenarioOptions;
  m: Migration;
  rng: Rng;
  workload: Workload;
  ferry: RunningFerry;
  killed: ScenarioResult['killed'];
  killEnv: Record<string, string>;
  result: Partial<ScenarioResult>;
}

export async function liveScenario(c: TestClusters, o: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const index = uniqueName(`live-${o.seed}`);
  const replicas = o.replicas ?? (await replicasFor(c));
  const initial = await loadInitial(c.source, index, o.docs, o.seed, { shards: 1 + (o.seed % 3), replicas });
  const workload = await startWorkload({
    target: { client: c.source, index },
    seed: o.seed,
    rate: o.rate,
    initial,
  });
  const m = await newMigration(c, index, {
    ...(o.reconcileSeconds === undefined ? {} : { reconcileSeconds: o.reconcileSeconds }),
    extraArgs: [...(o.fenced ? ['--write-block'] : []), ...(o.extraArgs ?? [])],
  });
  const killEnv: Record<string, string> = o.killAt ? { FERRY_TEST_KILL_AT: o.killAt } : {};
  const run: Run = {
    c,
    o,
    m,
    rng: createRng(o.seed * 7919),
    workload,
    ferry: startRun(m, { ...killEnv, ...(o.runEnv ?? {}) }),
    killed: false,
    killEnv,
    result: {},
  };
  try {
    const move = o.move ?? 'paused-at-switch';
    const { report, final } =
      move === 'paused-at-switch' ? await pausedFlow(run) : await neverStopFlow(run, move);
    const comparison = await compareScenario(c.dest, index, report, m.stateDir, m.id);
    return {
      ...run.result,
      comparison,
      report,
      final,
      killed: run.killed,
      disabled: workload.disabled.map((d) => `${d.type} (${d.reason})`),
      index,
      stateArgs: m.stateArgs,
      migration: m,
      durationMs: Date.now() - started,
    };
  } finally {
    await workload.stop().catch(() => undefined);
    stopIfRunning(run.ferry.pid);
    await run.ferry.done;
  }
}

/** The original flow: writes pause while `ferry switch` runs; the application stops before Ferry drains. */
async function pausedFlow(r: Run): Promise<{ report: WorkloadReport; final: CliResult }> {
  const { c, o, m, workload } = r;
  if (o.killPhase === 'before-switch') await resumeKilledRun(r);
  await waitUntilReady(m);
  await sleep(o.sourceMs + r.rng.int(2000));
  await workload.whilePaused(async () => {
    const sw = startOn(m, 'switch');
    if (o.killPhase === 'at-switch') await resumeKilledRun(r);
    const switched = await sw.done;
    assert.equal(switched.code, 0, switched.stderr);
    workload.switchTo(c.dest, m.index);
  });
  await sleep(o.destMs + r.rng.int(1500));
  const report = await workload.stop();
  if (o.killPhase === 'after-switch') await resumeKilledRun(r);
  const final = await r.ferry.done;
  assert.equal(final.code, 0, `ferry failed:\n${final.stdout}\n${final.stderr}`);
  return { report, final };
}

/** The application never pauses and keeps writing to the destination until the very end. */
async function neverStopFlow(r: Run, move: Exclude<Move, 'paused-at-switch'>) {
  const { c, o, m, workload } = r;
  superviseRun(r);
  const moveApp = (): void => {
    workload.switchTo(c.dest, m.index);
    r.result.movedAt = Date.now();
  };
  if (move === 'during-backfill') {
    await moveDuringBackfill(r, moveApp);
    await waitUntilReady(m);
    await sleep(o.sourceMs + r.rng.int(1000));
    await operatorSwitch(r, undefined);
  } else {
    const fault = o.duringBackfill ? strikeDuringBackfill(r, o.duringBackfill) : undefined;
    await waitUntilReady(m, 300_000, o.resumeAfterStop);
    await fault;
    await sleep(o.sourceMs + r.rng.int(1000));
    await o.beforeSwitch?.(m.index);
    if (move === 'before-switch') {
      moveApp();
      await sleep(r.rng.int(1000));
      await operatorSwitch(r, undefined);
    } else {
      await operatorSwitch(r, moveApp);
    }
  }
  const final = await runDone(r);
  const state = await readState(m.stateDir, m.id);
  r.result.stateStatus = state?.status;
  r.result.verification = state?.results.verification as ScenarioResult['verification'];
  if (o.expectRunFailure) {
    assert.equal(
      final.code,
      1,
      `ferry run should have failed its verification:\n${final.stdout}\n${final.stderr}`,
    );
  } else {
    assert.equal(final.code, 0, `ferry run failed:\n${final.stdout}\n${final.stderr}`);
    assert.equal(state?.status, 'waiting', 'ferry run should stop at the cleanup gate');
    if (o.cleanup) await cleanup(r);
  }
  await sleep(o.destMs + r.rng.int(1000));
  const report = await workload.stop();
  return { report, final };
}

/** Moves the application at a random moment while the backfill step runs (watched in state.json). */
async function moveDuringBackfill(r: Run, moveApp: () => void): Promise<void> {
  await backfillRunning(r);
  // A short random delay: the backfill of the test index lasts a second or two.
  await sleep(r.rng.int(150));
  moveApp();
  const after = await readState(r.m.stateDir, r.m.id);
  const finished = Date.parse(after?.steps.backfill?.finishedAt ?? '');
  r.result.movedDuringBackfill =
    after?.steps.backfill?.status === 'running' ||
    (Number.isFinite(finished) && finished > (r.result.movedAt ?? 0));
}

/**
 * Runs the fault once the backfill has copied its first page (its read context is open); records whether the
 * backfill was still running after the first strike.
 */
async function strikeDuringBackfill(
  r: Run,
  fault: (index: string, m: Migration) => Promise<void>,
): Promise<void> {
  await backfillRunning(r, true);
  let struck = false;
  const done = fault(r.m.index, r.m).finally(() => {
    struck = true;
  });
  // The fault's first action (a kill, a restart's stop) happens before its first await returns.
  await sleep(0);
  const state = await readState(r.m.stateDir, r.m.id);
  r.result.faultDuringBackfill = state?.steps.backfill?.status !== 'done' && !struck;
  await done;
}

async function backfillRunning(r: Run, copying = false): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await readState(r.m.stateDir, r.m.id);
    const backfill = state?.steps.backfill?.status;
    const cursors = Object.keys(state?.steps.backfill?.data.cursors ?? {}).length;
    if (backfill === 'running' && (!copying || cursors > 0)) return;
    if (backfill === 'done' || state?.status === 'failed' || Date.now() > deadline)
      throw new Error(
        `never saw the backfill running (backfill ${backfill}, migration ${state?.status}${failedStep(state)})`,
      );
    await sleep(20);
  }
}

/**
 * `ferry switch` as the operator runs it. With `moveApp`, the application moves the moment the command says so.
 * A switch process killed at the kill point is run again.
 */
async function operatorSwitch(r: Run, moveApp: (() => void) | undefined): Promise<void> {
  for (;;) {
    const sw = startOn(r.m, 'switch', [], r.killed ? {} : r.killEnv);
    const line = await sw.line(MOVE_NOW);
    if (line !== undefined) {
      r.result.switchLine ??= line;
      if (moveApp && r.result.movedAt === undefined) moveApp();
    }
    const res = await sw.done;
    if (res.signal === 'SIGKILL' && r.o.killAt && !r.killed) {
      r.killed = 'switch';
      continue;
    }
    assert.equal(res.code, 0, `ferry switch failed:\n${res.stdout}\n${res.stderr}`);
    assert.ok(line, `ferry switch did not say when the clients may move (${MOVE_NOW}):\n${res.stdout}`);
    return;
  }
}

/** `ferry cleanup --yes-delete-source` while the application writes to the destination. */
async function cleanup(r: Run): Promise<void> {
  let res = await ferryOn(r.m, 'cleanup', ['--yes-delete-source'], r.killEnv);
  if (res.signal === 'SIGKILL' && r.o.killAt && !r.killed) {
    r.killed = 'cleanup';
    res = await ferryOn(r.m, 'resume', ['--yes-delete-source']);
  }
  r.result.cleanup = res;
  assert.equal(res.code, 0, `ferry cleanup failed:\n${res.stdout}\n${res.stderr}`);
  r.result.sourceExistsAfter = await r.c.source.indexExists(r.m.index);
}

/**
 * A run killed at the kill point is resumed at once, as an operator would, while the scenario goes on; so is one
 * that stopped with a failed step (resumeAfterStop), after its message is kept.
 */
function superviseRun(r: Run): void {
  const current = r.ferry;
  void current.done.then(async (res) => {
    if (current !== r.ferry) return;
    if (res.signal === 'SIGKILL' && r.o.killAt && !r.killed) {
      r.killed = 'run';
      r.ferry = startOn(r.m, 'resume');
      superviseRun(r);
      return;
    }
    r.result.stops ??= [];
    const stops = r.result.stops;
    if (!r.o.resumeAfterStop || res.code === 0 || stops.length >= 3) return;
    const state = await readState(r.m.stateDir, r.m.id);
    if (state?.status !== 'failed') return;
    stops.push({ at: Date.now(), message: `${res.stderr.trim()}`.split('\n').slice(-6).join('\n') });
    r.ferry = startOn(r.m, 'resume', [], r.o.runEnv ?? {});
    superviseRun(r);
  });
}

/** The end of the run, through a resume if the first process was killed. */
async function runDone(r: Run): Promise<CliResult> {
  for (;;) {
    const current = r.ferry;
    const res = await current.done;
    // The supervisor reads the state before it resumes a stopped run.
    await sleep(r.o.resumeAfterStop && res.code !== 0 ? 1500 : 0);
    if (current === r.ferry) return res;
  }
}

async function resumeKilledRun(r: Run): Promise<void> {
  const res = await r.ferry.done;
  assert.equal(
    res.signal,
    'SIGKILL',
    // Ferry's error first: the test runner's recap keeps only a failure's first lines.
    `expected a kill at ${r.o.killAt}; got exit ${res.code}\n${res.stderr.trim().split('\n').slice(-8).join('\n')}\n${res.stdout}`,
  );
  r.killed = 'run';
  r.ferry = startOn(r.m, 'resume');
}

/** One replica when both clusters have more than one data node (a multi-node bed), otherwise none. */
async function replicasFor(c: TestClusters): Promise<number> {
  const nodes = await Promise.all([dataNodes(c.source), dataNodes(c.dest)]);
  return Math.min(...nodes) > 1 ? 1 : 0;
}

async function dataNodes(client: ClusterClient): Promise<number> {
  const health = await client.json<{ number_of_data_nodes: number }>({
    method: 'GET',
    path: '/_cluster/health',
    what: 'cluster health',
  });
  return health.number_of_data_nodes;
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

/** The error of the step that failed, for a message that says why. */
function failedStep(state: Awaited<ReturnType<typeof readState>>): string {
  const failed = Object.entries(state?.steps ?? {}).find(([, step]) => step.error);
  return failed ? `: ${failed[0]} said ${failed[1].error}` : '';
}
