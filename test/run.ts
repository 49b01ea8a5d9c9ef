// The test command: unit tests once, then, for each engine pair, a fresh test bed and the cluster tests
// against it. Clusters are stopped at the end, on Ctrl-C, and (by the watchdog) even if this process is killed.
//   FERRY_ENGINE=opensearch-2 | elasticsearch-7:opensearch-2 | a,b,c   pairs to run (default: the CI set)
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

const DEFAULT_PAIRS = [
  'opensearch-2',
  // Replicas, failover and a node leaving mid-copy exist only here: a 3-node source, a 2-node dest.
  'opensearch-2x3:opensearch-2x2',
  'elasticsearch-7',
  'opensearch-3',
  'elasticsearch-7:opensearch-2',
  'elasticsearch-8:elasticsearch-9',
  // TLS from a private CA, passwords, client certificates, least privileges: only the *.secured.test.ts files.
  'opensearch-2-secure',
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

  if (unit.length > 0) results.push(await timed('unit', () => runNodeTest(unit, {})));
  for (const pair of pairs) {
    if (cluster.length === 0) break;
    results.push(
      await timed(pairName(pair), async () => {
        const started = Date.now();
        const bed = await bedUp(pair, process.pid);
        const atStart = await bedCondition(bed);
        console.log(
          `\n== ${pairName(pair)}: source ${bed.source.url} (${bed.source.startupSeconds.toFixed(1)} s), dest ${bed.dest.url} (${bed.dest.startupSeconds.toFixed(1)} s), up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        try {
          // Tests of what does not depend on the engine (hooks, operator controls, the page) run on the first
          // pair only (`*.once.test.ts`), not counted as skipped elsewhere.
          const files = pairFiles(cluster, pair).filter(
            (f) => pair === pairs[0] || !f.endsWith('.once.test.ts'),
          );
          const run = await runNodeTest(files, {
            FERRY_TEST_SOURCE_URL: bed.source.url,
            FERRY_TEST_DEST_URL: bed.dest.url,
            FERRY_TEST_REPO_DIR: bed.repoDir,
            FERRY_TEST_SOURCE_ENGINE: pair.source,
            FERRY_TEST_DEST_ENGINE: pair.dest,
            FERRY_TEST_SOURCE_NODES: String(pair.sourceNodes),
            FERRY_TEST_DEST_NODES: String(pair.destNodes),
            // The multi-node pair is the slowest: fewer live seeds there.
            ...(pair.sourceNodes > 1 || pair.destNodes > 1
              ? { FERRY_LIVE_SEEDS: process.env.FERRY_LIVE_SEEDS ?? '1' }
              : {}),
          });
          return { ...run, condition: describeCondition(atStart, await bedCondition(bed)) };
        } finally {
          await bedDown();
        }
      }),
    );
  }
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
 * The cluster test files a pair runs; the others are not part of its run at all rather than counted as skipped.
 * Tests that need several nodes (faults, replicas) run where the source has 3 or more. A secured pair (HTTPS and
 * users on both sides) runs only the *.secured.test.ts files, and only it runs them: the other tests reach the
 * clusters without credentials.
 */
function pairFiles(cluster: string[], pair: EnginePair): string[] {
  const secured = isSecured(pair.source) || isSecured(pair.dest);
  return cluster.filter(
    (f) =>
      f.endsWith('.secured.test.ts') === secured &&
      (pair.sourceNodes >= 3 || !f.endsWith('.multinode.test.ts')),
  );
}

function selectedPairs(): EnginePair[] {
  const names =
    process.env.FERRY_MATRIX === 'full'
      ? FULL_MATRIX
      : (process.env.FERRY_ENGINE?.split(',') ?? DEFAULT_PAIRS);
  return names.map((n) => parseEnginePair(n.trim()));
}

interface PairResult extends NodeTestRun {
  name: string;
  seconds: number;
}

async function timed(name: string, run: () => Promise<NodeTestRun>): Promise<PairResult> {
  const started = Date.now();
  let outcome: NodeTestRun = { ok: false, failures: '' };
  try {
    outcome = await run();
  } catch (error) {
    const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    console.error(message);
    outcome = { ok: false, failures: message };
  }
  return { name, ...outcome, seconds: (Date.now() - started) / 1000 };
}

/** The spec reporter's closing list of failed tests with their errors: kept for the recap at the very end. */
const FAILURES_MARK = '✖ failing tests:';

interface NodeTestRun {
  ok: boolean;
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
    ...files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    // Passed through as it comes; the failure list is also kept, since CI shows only the output's last lines.
    let output = '';
    // Decoded by the stream, so a character split between two chunks (the reporter's ✖) stays whole.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    // 'close', not 'exit': only then has every chunk of the output arrived.
    child.on('close', (code) => {
      const at = output.lastIndexOf(FAILURES_MARK);
      const failures = at < 0 ? '' : compactFailures(output.slice(at));
      resolve({ ok: code === 0, failures: code === 0 ? '' : failures || '(no failure list printed)' });
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
