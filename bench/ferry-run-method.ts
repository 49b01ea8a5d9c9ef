// A real live `ferry run --backfill <method>` as a copy benchmark method. Its seconds are the backfill steps'
// own time from the state (snapshot: snapshot_source + restore_dest + fill_ledger; copy: backfill), which is
// the work comparable to the other methods (they get the dest index created untimed, and none of them records
// a ledger). Beside it: from the process's start until the sync step started, and until `ferry run` stopped at
// the cleanup gate with a verified copy (`ferry switch` is given as soon as it reports caught up, and the
// source is quiet, so the drain and the final verification run at once). Peak RSS is the `ferry run` process's
// VmHWM over the whole run, with the V8 heap capped as bin/ferry.js caps it.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThrottleRecord } from '../src/operator/health-throttle.js';
import type { MigrationState } from '../src/state/migration-state.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { startChild } from './child-process.js';
import type { BenchEnv, MethodResult } from './copy-methods.js';

const STEPS = {
  snapshot: ['snapshot_source', 'restore_dest', 'fill_ledger'],
  copy: ['backfill'],
} as const;

export async function ferryRun(
  env: BenchEnv,
  destIndex: string,
  backfill: 'auto' | 'copy',
): Promise<MethodResult> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-bench-copy-'));
  const id = `bench-${destIndex}`;
  const repository = `bench-${destIndex}`;
  const state = () => readState(stateDir, id);
  const ferry = (args: string[]) =>
    startChild(process.execPath, [
      `--max-old-space-size=${ferryHeapMb()}`,
      join(REPO_ROOT, 'bin', 'ferry.js'),
      ...args,
      ...['--id', id, '--state-dir', stateDir],
    ]);
  const started = performance.now();
  const run = ferry([
    'run',
    ...['--source-url', env.sourceUrl, '--dest-url', env.destUrl],
    ...['--source-index', env.index, '--dest-index', destIndex, '--backfill', backfill],
    ...(backfill === 'auto'
      ? ['--repository', repository, '--repository-location', join(env.repoDir, repository)]
      : []),
    ...['--quiet-seconds', '1'],
  ]);
  let peak = 0;
  let cpu = 0;
  const sampler = setInterval(() => {
    void run.peakMb().then((mb) => {
      peak = Math.max(peak, mb);
    });
    void cpuSeconds(run.pid).then((s) => {
      cpu = Math.max(cpu, s);
    });
  }, 200);
  let finished = false;
  const cleanup = async () => {
    clearInterval(sampler);
    run.kill();
    await run.done;
    // Abort removes what the run made on the dest and the snapshot (and a repository it registered).
    const abort = await ferry(['abort', '--delete-dest']).done;
    if (abort.code !== 0) console.error(`ferry abort exited ${abort.code}: ${abort.output.slice(-1000)}`);
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    let exited = false;
    void run.done.then(() => {
      exited = true;
    });
    let toSync = 0;
    while (!toSync) {
      const s = await state();
      const sync = s?.steps.sync?.status;
      if (sync === 'running' || sync === 'done') toSync = (performance.now() - started) / 1000;
      else if (exited) throw new Error(`ferry run exited early: ${(await run.done).output.slice(-3000)}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    const backfillPeak = await run.peakMb();
    const backfillCpu = await cpuSeconds(run.pid);
    await run.line(/caught up/);
    const sw = await ferry(['switch']).done;
    if (sw.code !== 0) throw new Error(`ferry switch exited ${sw.code}: ${sw.output.slice(-2000)}`);
    const done = await run.done;
    const whole = (performance.now() - started) / 1000;
    if (done.code !== 0) throw new Error(`ferry run exited ${done.code}: ${done.output.slice(-3000)}`);
    const final = await state();
    if (!final) throw new Error('ferry run left no state');
    const method = (final.results as { backfillMethod?: { method?: string } }).backfillMethod?.method;
    const chosen = method === 'snapshot' ? 'snapshot' : 'copy';
    const steps = STEPS[chosen].map((name) => [name, stepSeconds(final, name)] as const);
    const seconds = steps.reduce((a, [, s]) => a + s, 0);
    finished = true;
    return {
      cleanup,
      seconds,
      peakRssMb: peak || undefined,
      wholeSeconds: whole,
      command: `ferry run --backfill ${backfill}${backfill === 'auto' ? ' --repository … --repository-location <shared fs dir>' : ''} --quiet-seconds 1, then ferry switch once caught up`,
      note: [
        `backfill method ${method ?? 'unknown'}`,
        steps.map(([n, s]) => `${n} ${s.toFixed(1)}`).join(' + '),
        `start to sync ${toSync.toFixed(1)} s`,
        `final_verification ${stepSeconds(final, 'final_verification').toFixed(1)} s`,
        `peak RSS at backfill end ${backfillPeak.toFixed(0)} MB`,
        // Whether Ferry's own process was the bottleneck: its CPU time against the wall time.
        `ferry run CPU ${backfillCpu.toFixed(1)} s until sync, ${cpu.toFixed(1)} s in all`,
        throttleSummary(final),
        ...sourcePressure(final),
      ].join('; '),
    };
  } finally {
    // On success the caller counts the dest first and cleans up after.
    if (!finished) await cleanup();
  }
}

/** How much the health throttle slowed the run: readings that found a reason, the lowest speed, the reasons. */
function throttleSummary(state: MigrationState): string {
  const t = state.results.throttle as ThrottleRecord | undefined;
  if (!t) return 'health throttle: no record';
  const throttled = t.events.filter((e) => e.throttled);
  const lowest = Math.min(1, ...throttled.map((e) => e.factor));
  const reasons = [...new Set(throttled.map((e) => e.reason.replace(/\d+ ms/g, 'N ms')))].slice(0, 4);
  return `health throttle: ${t.throttledChecks} of ${t.checks} readings found a reason, lowest speed ${Math.round(lowest * 100)}%${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

/** What the source's refusals and slow pages did to the copy (where the engine records it). */
function sourcePressure(state: MigrationState): string[] {
  const p = (state.results.backfill as { sourcePressure?: Record<string, number> } | undefined)
    ?.sourcePressure;
  if (!p) return [];
  return [
    `source pressure: ${p.searchRejections ?? 0} search rejections, ${p.slowPages ?? 0} slow pages, ${p.pageRetries ?? 0} page retries, fewest slices reading ${p.minReaders ?? '?'}`,
  ];
}

/** User + system CPU seconds of a live process (0 once it exited), from /proc (clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

function stepSeconds(state: MigrationState, name: string): number {
  const s = state.steps[name];
  return s?.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : 0;
}

async function readState(stateDir: string, id: string): Promise<MigrationState | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, id, 'state.json'), 'utf8')) as MigrationState;
  } catch {
    return undefined;
  }
}

/** The V8 heap cap of Ferry's process: bin/ferry.js's own, or FERRY_BENCH_HEAP_MB to try another. */
export function ferryHeapMb(): number {
  if (process.env.FERRY_BENCH_HEAP_MB) return Number(process.env.FERRY_BENCH_HEAP_MB);
  const shebang = readFileSync(join(REPO_ROOT, 'bin', 'ferry.js'), 'utf8').split('\n')[0] ?? '';
  const cap = /--max-old-space-size=(\d+)/.exec(shebang)?.[1];
  if (!cap) throw new Error('bin/ferry.js sets no --max-old-space-size on its first line');
  return Number(cap);
}
