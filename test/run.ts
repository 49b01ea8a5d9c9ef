// The test command: unit tests once, then, for each engine pair, a fresh test bed and the cluster tests
// against it. Clusters are stopped at the end, on Ctrl-C, and (by the watchdog) even if this process is killed.
//   (default: the CI set, each pair with its scope: harness/test-scopes.ts)
//   FERRY_ENGINE=opensearch-2 | elasticsearch-7:opensearch-2 | a,b,c   pairs to run, every file on each
//   FERRY_ENGINE=opensearch-2x3:opensearch-2x2                         a 3-node source and a 2-node dest
//   FERRY_MATRIX=full                                                  every engine and cross pair
//   FERRY_TEST_FILTER=verify,applier                                   only test files whose path contains one of them
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { bedDown, bedUp } from './harness/bed.js';
import { bedCondition, describeCondition } from './harness/bed-condition.js';
import { type EnginePair, isSecured, pairName, parseEnginePair } from './harness/engines.js';
import { compactFailures } from './harness/failure-recap.js';
import { REPO_ROOT } from './harness/paths.js';
import { type Scope, scopeFiles } from './harness/test-scopes.js';

/** The CI set: each pair with what it runs (harness/test-scopes.ts says which files and why). */
const DEFAULT_PAIRS: readonly { pair: string; scope: Scope }[] = [
  { pair: 'opensearch-2', scope: 'all' },
  // Replicas, failover and a node leaving mid-copy exist only here: a 3-node source, a 2-node dest.
  { pair: 'opensearch-2x3:opensearch-2x2', scope: 'replicas' },
  { pair: 'elasticsearch-7', scope: 'engine' },
  { pair: 'opensearch-3', scope: 'engine' },
  { pair: 'elasticsearch-7:opensearch-2', scope: 'engine' },
  { pair: 'elasticsearch-8:elasticsearch-9', scope: 'engine' },
  // TLS from a private CA, passwords, client certificates, least privileges: only the *.secured.test.ts files.
  { pair: 'opensearch-2-secure', scope: 'secured' },
];
const FULL_MATRIX = [
  'opensearch-2',
  'opensearch-3',
  'elasticsearch-7',
  'elasticsearch-8',
  'elasticsearch-9',
  'elasticsearch-7:opensearch-2',
  'elasticsearch-7:opensearch-3',
  'opensearch-2:opensearch-3',
  'elasticsearch-7:elasticsearch-8',
  'elasticsearch-8:elasticsearch-9',
  'elasticsearch-8:opensearch-2',
  'opensearch-2-secure',
  // x-pack security of the Elasticsearch 8 integ-test-zip (file realm, PKI on a trial license, no API keys).
  'elasticsearch-8-secure',
];

async function main(): Promise<number> {
  const files = await testFiles(join(REPO_ROOT, 'test'));
  const unit = files.filter((f) => f.endsWith('.unit.test.ts'));
  const cluster = files.filter((f) => !f.endsWith('.unit.test.ts'));
  const pairs = selectedPairs();
  const results: PairResult[] = [];
  const times: FileTime[] = [];

  if (unit.length > 0) results.push(await timed('unit', () => runNodeTest(unit, {})));
  for (const { pair, scope } of pairs) {
    if (cluster.length === 0) break;
    const files = pairFiles(cluster, pair, scope).filter(
      (f) => pair === pairs[0]?.pair || !f.endsWith('.once.test.ts'),
    );
    if (files.length === 0) continue;
    results.push(
      await timed(pairName(pair), async () => {
        const started = Date.now();
        const bed = await bedUp(pair, process.pid);
        const atStart = await bedCondition(bed);
        const bedSeconds = (Date.now() - started) / 1000;
        times.push({ pair: pairName(pair), file: '(bed start)', seconds: bedSeconds });
        console.log(
          `\n== ${pairName(pair)} (${scope}, ${files.length} files): source ${bed.source.url} (${bed.source.startupSeconds.toFixed(1)} s), dest ${bed.dest.url} (${bed.dest.startupSeconds.toFixed(1)} s), up in ${bedSeconds.toFixed(1)} s`,
        );
        try {
          // Tests of what does not depend on the engine (hooks, operator controls, the page) run on the first
          // pair only (`*.once.test.ts`), not counted as skipped elsewhere.
          const run = await runNodeTest(files, {
            FERRY_TEST_SOURCE_URL: bed.source.url,
            FERRY_TEST_DEST_URL: bed.dest.url,
            FERRY_TEST_REPO_DIR: bed.repoDir,
            FERRY_TEST_SOURCE_ENGINE: pair.source,
            FERRY_TEST_DEST_ENGINE: pair.dest,
            FERRY_TEST_SOURCE_NODES: String(pair.sourceNodes),
            FERRY_TEST_DEST_NODES: String(pair.destNodes),
            // A file of the engine map may keep its engine-independent cases for pairs that run everything.
            FERRY_TEST_SCOPE: scope,
            // The multi-node pair is the slowest: fewer live seeds there.
            ...(pair.sourceNodes > 1 || pair.destNodes > 1
              ? { FERRY_LIVE_SEEDS: process.env.FERRY_LIVE_SEEDS ?? '1' }
              : {}),
          });
          times.push(...run.fileTimes.map((t) => ({ pair: pairName(pair), ...t })));
          return { ...run, condition: describeCondition(atStart, await bedCondition(bed)) };
        } finally {
          await bedDown();
        }
      }),
    );
  }
  printTimes(times);
  for (const r of results.filter((r) => r.failures !== ''))
    console.log(`\n== failures: ${r.name}\n${r.failures}`);
  console.log('\n== summary');
  for (const r of results)
    console.log(
      `${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(34)} ${`${r.seconds.toFixed(0)} s`.padEnd(7)} ${r.condition ?? ''}`,
    );
  return results.every((r) => r.ok) ? 0 : 1;
}

/**
 * The cluster test files a pair runs (the others are not part of its run at all rather than counted as skipped).
 * Files that need several nodes run where the source has 3 or more; a secured pair runs only the secured files.
 */
function pairFiles(cluster: string[], pair: EnginePair, scope: Scope): string[] {
  const secured = isSecured(pair.source) || isSecured(pair.dest);
  if (secured) return scopeFiles('secured', cluster);
  const multinode = pair.sourceNodes >= 3;
  const files = scopeFiles(scope === 'secured' ? 'all' : scope, cluster);
  if (scope === 'all' && multinode) files.push(...cluster.filter((f) => f.endsWith('.multinode.test.ts')));
  return multinode ? files : files.filter((f) => !f.endsWith('.multinode.test.ts'));
}

/** The CI set, or every file on every pair named (FERRY_ENGINE) or of the full matrix (FERRY_MATRIX=full). */
function selectedPairs(): { pair: EnginePair; scope: Scope }[] {
  const named =
    process.env.FERRY_MATRIX === 'full'
      ? FULL_MATRIX
      : process.env.FERRY_ENGINE?.split(',').map((n) => n.trim());
  const chosen = named
    ? named.map((pair) => ({ pair, scope: 'all' as Scope }))
    : DEFAULT_PAIRS.map((p) => ({ ...p }));
  return chosen.map((p) => ({ pair: parseEnginePair(p.pair), scope: p.scope }));
}

interface FileTime {
  pair: string;
  file: string;
  seconds: number;
}

/** Where the run's time went: each pair's bed start and files, longest first, so the next cut is easy to see. */
function printTimes(times: FileTime[]): void {
  if (times.length === 0) return;
  console.log('\n== where the time went');
  const pairs = [...new Set(times.map((t) => t.pair))];
  for (const pair of pairs) {
    const mine = times.filter((t) => t.pair === pair).sort((a, b) => b.seconds - a.seconds);
    const total = mine.reduce((s, t) => s + t.seconds, 0);
    console.log(`${pair}: ${total.toFixed(0)} s`);
    for (const t of mine) console.log(`  ${t.seconds.toFixed(1).padStart(7)} s  ${t.file}`);
  }
}

interface PairResult extends NodeTestRun {
  name: string;
  seconds: number;
}

async function timed(name: string, run: () => Promise<NodeTestRun>): Promise<PairResult> {
  const started = Date.now();
  let outcome: NodeTestRun = { ok: false, failures: '', fileTimes: [] };
  try {
    outcome = await run();
  } catch (error) {
    const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    console.error(message);
    outcome = { ok: false, failures: message, fileTimes: [] };
  }
  return { name, ...outcome, seconds: (Date.now() - started) / 1000 };
}

/** What harness/file-times-reporter.mjs (plain JS, loaded by node itself) starts its lines with. */
const TIME_MARK = 'FERRY-TIME ';

/** The spec reporter's closing list of failed tests with their errors: kept for the recap at the very end. */
const FAILURES_MARK = '✖ failing tests:';

interface NodeTestRun {
  ok: boolean;
  /** Per test file, the time its tests took. */
  fileTimes: { file: string; seconds: number }[];
  /** Each failed test's name and the start of its error, empty when every test passed. */
  failures: string;
  /** Disk use and cluster blocks on the bed, at its start and end. */
  condition?: string;
}

function runNodeTest(files: string[], env: Record<string, string>): Promise<NodeTestRun> {
  // One file at a time: some tests change cluster-wide settings (disk watermarks) for a moment.
  const concurrency = process.env.FERRY_TEST_CONCURRENCY ?? '1';
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    // A failed assertion can leave a child (a ferry run waiting for its switch) holding a file's event loop:
    // the file must still end when its tests have, or the whole run hangs until CI's limit.
    '--test-force-exit',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(REPO_ROOT, 'test', 'harness', 'file-times-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    // Passed through line by line as it comes, without the timing reporter's lines (kept apart); the failure list
    // is also kept, since CI shows only the output's last lines.
    let output = '';
    let partial = '';
    const fileTimes = new Map<string, number>();
    const take = (line: string) => {
      if (line.startsWith(TIME_MARK)) {
        const t = JSON.parse(line.slice(TIME_MARK.length)) as { file: string; ms: number };
        fileTimes.set(t.file, (fileTimes.get(t.file) ?? 0) + t.ms);
        return;
      }
      process.stdout.write(`${line}\n`);
      output += `${line}\n`;
    };
    // Decoded by the stream, so a character split between two chunks (the reporter's ✖) stays whole.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) take(line);
    });
    // 'close', not 'exit': only then has every chunk of the output arrived.
    child.on('close', (code) => {
      if (partial !== '') take(partial);
      const at = output.lastIndexOf(FAILURES_MARK);
      const failures = at < 0 ? '' : compactFailures(output.slice(at));
      resolve({
        ok: code === 0,
        failures: code === 0 ? '' : failures || '(no failure list printed)',
        fileTimes: [...fileTimes].map(([file, ms]) => ({
          file: relative(REPO_ROOT, file),
          seconds: ms / 1000,
        })),
      });
    });
  });
}

async function testFiles(dir: string): Promise<string[]> {
  const filter = process.env.FERRY_TEST_FILTER;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)))
    .filter((f) => !filter || filter.split(',').some((part) => f.includes(part)))
    .sort();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the test bed`);
    bedDown().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    console.error(error);
    await bedDown();
    process.exitCode = 1;
  },
);
