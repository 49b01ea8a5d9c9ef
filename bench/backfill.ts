// Backfill benchmark: Ferry's live backfill by snapshot/restore against its sliced copy, on one bed, in one run,
// round-robin. Each method is a real `ferry run` (live) timed from its start until the sync step starts (the
// dest then holds every document and the ledger a row for each); the run is then stopped and aborted.
// Writes bench/results/backfill-<date>.md.
//   FERRY_BED_PORT=39500 FERRY_BENCH_DOCS=200000 FERRY_BENCH_REPEAT=2 npm run bench:backfill
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ClusterClient } from '../src/cluster/client.js';
import { engineLabel } from '../src/cluster/engine.js';
import type { MigrationState } from '../src/state/migration-state.js';
import { bedDown, bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { loadCorpus } from './corpus.js';

const DOCS = Number(process.env.FERRY_BENCH_DOCS ?? 200_000);
const PAIR = process.env.FERRY_BENCH_ENGINE ?? 'opensearch-2';
const REPEAT = Number(process.env.FERRY_BENCH_REPEAT ?? 2);
const METHODS = ['snapshot', 'copy'] as const;
const BACKFILL_STEPS = ['create_dest_index', 'snapshot_source', 'restore_dest', 'fill_ledger', 'backfill'];

interface Run {
  method: (typeof METHODS)[number];
  /** From `ferry run` starting until the sync step started. */
  seconds: number;
  /** Per backfill step that ran, its own seconds. */
  steps: Record<string, number>;
  destCount: number;
  load: string;
}

async function main(): Promise<void> {
  const bed = await bedUp(parseEnginePair(PAIR), process.pid);
  const [source, dest] = await Promise.all([
    ClusterClient.connect({ url: bed.source.url }),
    ClusterClient.connect({ url: bed.dest.url }),
  ]);
  try {
    const index = 'cities';
    const bytes = await loadCorpus(source, index, DOCS, 4);
    await source.refresh(index);
    console.log(`corpus: ${DOCS} docs, ${(bytes / 1e6).toFixed(1)} MB of JSON`);
    const runs: Run[] = [];
    for (let i = 0; i < REPEAT; i++)
      for (const method of METHODS) {
        const r = await runOnce(bed, dest, index, method, `${method}-${i}`);
        console.log(
          `${method}: ${r.seconds.toFixed(1)} s ${JSON.stringify(r.steps)} dest ${r.destCount} (load ${r.load})`,
        );
        runs.push(r);
      }
    const file = await report(runs, {
      engines: `${engineLabel(source.engine)} -> ${engineLabel(dest.engine)}`,
      mb: bytes / 1e6,
    });
    console.log(`report: ${file}`);
  } finally {
    await Promise.all([source.close(), dest.close()]);
    await bedDown();
  }
}

async function runOnce(
  bed: { source: { url: string }; dest: { url: string }; repoDir: string },
  dest: ClusterClient,
  index: string,
  method: Run['method'],
  tag: string,
): Promise<Run> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-bench-backfill-'));
  const id = `bench-${tag}`;
  const common = ['--id', id, '--state-dir', stateDir, '--quiet'];
  const load = loadavg()[0]!.toFixed(2);
  const started = performance.now();
  const child = spawnFerry([
    'run',
    '--source-url',
    bed.source.url,
    '--dest-url',
    bed.dest.url,
    '--source-index',
    index,
    '--dest-index',
    `${index}-${tag}`,
    '--backfill',
    method,
    ...(method === 'snapshot'
      ? ['--repository', `bench-${tag}`, '--repository-location', join(bed.repoDir, `bench-${tag}`)]
      : []),
    ...common,
  ]);
  let state: MigrationState | undefined;
  for (;;) {
    state = await readState(stateDir, id);
    if (state?.steps.sync?.status === 'running' || state?.steps.sync?.status === 'done') break;
    if (state?.status === 'failed' || child.exitCode !== null)
      throw new Error(`ferry run stopped: ${JSON.stringify(state?.steps)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await dest.refresh(`${index}-${tag}`);
  const destCount = await dest.count(`${index}-${tag}`);
  const steps: Record<string, number> = {};
  for (const name of BACKFILL_STEPS) {
    const s = state.steps[name];
    if (s?.startedAt && s.finishedAt && !s.data.skipped)
      steps[name] = (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000;
  }
  const abort = spawnFerry(['abort', ...common, '--delete-dest']);
  await new Promise((r) => abort.once('exit', r));
  return { method, seconds, steps, destCount, load };
}

function spawnFerry(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'dev.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function readState(stateDir: string, id: string): Promise<MigrationState | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, id, 'state.json'), 'utf8')) as MigrationState;
  } catch {
    return undefined;
  }
}

async function report(runs: Run[], o: { engines: string; mb: number }): Promise<string> {
  const best = (m: Run['method']) =>
    runs.filter((r) => r.method === m).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const copy = best('copy');
  const lines = [
    `# Backfill benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Command: \`FERRY_BED_PORT=${process.env.FERRY_BED_PORT ?? ''} FERRY_BENCH_DOCS=${DOCS} FERRY_BENCH_ENGINE=${PAIR} FERRY_BENCH_REPEAT=${REPEAT} npm run bench:backfill\``,
    `- Engines: ${o.engines} (one node each, same machine)`,
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; shared with other work (1-minute load average at each run's start in the table)`,
    `- Corpus: ${DOCS} documents (bench/corpus.ts), ${o.mb.toFixed(1)} MB of source JSON, 4 shards, no replicas`,
    '- Seconds: `ferry run --backfill <method>` from its start until the sync step starts (preflight included); the steps column gives each backfill step alone. Round-robin; best run first per method.',
    '',
    '| method | seconds | docs/s | copy ÷ method | steps (s) | dest count | load |',
    '|---|---|---|---|---|---|---|',
    ...METHODS.flatMap((m) =>
      [best(m), ...runs.filter((r) => r.method === m && r !== best(m))].map(
        (r) =>
          `| ${r === best(m) ? `**${m}**` : m} | ${r.seconds.toFixed(1)} | ${Math.round(DOCS / r.seconds)} | ${(copy.seconds / r.seconds).toFixed(2)} | ${Object.entries(
            r.steps,
          )
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')} | ${r.destCount} | ${r.load} |`,
      ),
    ),
    '',
  ];
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `backfill-${new Date().toISOString().slice(0, 16).replace(':', '')}.md`);
  await writeFile(file, lines.join('\n'));
  return file;
}

main().catch(async (error: unknown) => {
  console.error(error);
  await bedDown();
  process.exitCode = 1;
});
