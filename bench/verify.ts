// Benchmark of `ferry verify`: an index of N generated documents on a fresh test bed, the same documents
// (same ids, external versions and content) on the dest, then verify at default and deep level, each in a
// child process so its peak RSS is measured alone. Writes bench/results/verify-<date>.md.
//   npm run bench:verify -- [--docs 1000000] [--shards 5] [--engine opensearch-2] [--concurrency 4]
// Honours FERRY_BED_PORT / FERRY_BED_DIR like the tests, so it can run beside other beds.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient } from '../src/cluster/client.js';
import { engineLabel } from '../src/cluster/engine.js';
import { bedDown, bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';
import { REPO_ROOT } from '../test/harness/paths.js';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    shards: { type: 'string', default: '5' },
    engine: { type: 'string', default: 'opensearch-2' },
    concurrency: { type: 'string', default: '4' },
  },
});
const DOCS = Number(values.docs);
const SHARDS = Number(values.shards);
const INDEX = 'bench-verify';
const BATCH = 5000;

interface RunResult {
  level: string;
  equal: boolean;
  sourceDocs: number;
  destDocs: number;
  elapsedMs: number;
  docsPerSecond: number;
  maxRssMb: number;
}

function doc(i: number): { id: string; version: number; body: Record<string, unknown> } {
  return {
    id: `doc-${i.toString(36)}-${(i * 2654435761) % 1000003}`,
    version: 1 + (i % 5),
    body: {
      n: i,
      title: `document number ${i}`,
      tags: [`t${i % 17}`, `t${i % 31}`],
      price: (i % 1000) / 10,
      at: new Date(1_600_000_000_000 + i * 1000).toISOString(),
      nested: { a: i % 7, b: 'x'.repeat(i % 40) },
    },
  };
}

async function load(client: ClusterClient): Promise<void> {
  await client.createIndex(INDEX, {
    settings: { number_of_shards: SHARDS, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: { properties: { price: { type: 'float' }, at: { type: 'date' } } },
  });
  for (let from = 0; from < DOCS; from += BATCH) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(DOCS, from + BATCH); i++) {
      const d = doc(i);
      lines.push(
        JSON.stringify({ index: { _index: INDEX, _id: d.id, version: d.version, version_type: 'external' } }),
        JSON.stringify(d.body),
      );
    }
    const res = await client.bulk(`${lines.join('\n')}\n`);
    if (res.errors)
      throw new Error(
        `bulk load failed: ${JSON.stringify(res.items.find((it) => Object.values(it)[0]?.error))}`,
      );
  }
  await client.putIndexSettings(INDEX, { 'index.refresh_interval': '1s' });
  await client.refresh(INDEX);
  const count = await client.count(INDEX);
  if (count !== DOCS) throw new Error(`expected ${DOCS} documents, found ${count}`);
}

function runChild(sourceUrl: string, destUrl: string, level: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'bench', 'verify-run.ts'),
        sourceUrl,
        destUrl,
        INDEX,
        level,
        values.concurrency,
      ],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`verify ${level} exited ${code}: ${out}`));
      else resolve({ ...(JSON.parse(line) as Omit<RunResult, 'level'>), level });
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const bed = await bedUp(parseEnginePair(values.engine), process.pid);
  try {
    const [source, dest] = await Promise.all([
      ClusterClient.connect({ url: bed.source.url }),
      ClusterClient.connect({ url: bed.dest.url }),
    ]);
    const loadStarted = Date.now();
    await Promise.all([load(source), load(dest)]);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    console.error(`loaded ${DOCS} documents on each side in ${loadSeconds.toFixed(0)} s`);
    const runs: RunResult[] = [];
    for (const level of ['default', 'deep']) runs.push(await runChild(bed.source.url, bed.dest.url, level));
    const engines = `source ${engineLabel(source.engine)}, dest ${engineLabel(dest.engine)}`;
    await Promise.all([source.close(), dest.close()]);
    const path = await writeResults(runs, engines, loadSeconds, (Date.now() - started) / 1000);
    console.error(`results: ${path}`);
    for (const r of runs)
      if (!r.equal) throw new Error(`verify ${r.level} found differences between identical indices`);
  } finally {
    await bedDown();
  }
}

async function writeResults(
  runs: RunResult[],
  engines: string,
  loadSeconds: number,
  totalSeconds: number,
): Promise<string> {
  const date = new Date().toISOString().slice(0, 10);
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `verify-${date}.md`);
  const cpu = cpus();
  const text = [
    `# ferry verify benchmark, ${date}`,
    '',
    `Command: \`npm run bench:verify -- --docs ${DOCS} --shards ${SHARDS} --engine ${values.engine} --concurrency ${values.concurrency}\``,
    '',
    `- Engines: ${engines} (test bed, one node each, 1 GB heap, on the same machine as Ferry)`,
    `- Machine: ${cpu.length} CPUs (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; shared with other users' test beds while it ran`,
    `- Index: ${DOCS} documents (~200 bytes of _source each), ${SHARDS} primary shards, no replicas; dest holds the same ids, versions and content`,
    `- Loading both sides took ${loadSeconds.toFixed(0)} s; the whole run ${totalSeconds.toFixed(0)} s`,
    '',
    '| level | equal | source docs | dest docs | time (s) | docs/s | peak RSS (MB) |',
    '|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.level} | ${r.equal} | ${r.sourceDocs} | ${r.destDocs} | ${(r.elapsedMs / 1000).toFixed(1)} | ${Math.round(r.docsPerSecond)} | ${r.maxRssMb.toFixed(0)} |`,
    ),
    '',
    'docs/s = documents per side checked per second of wall time (both sides are listed at the same time).',
    'Peak RSS is the verifying process alone (process.resourceUsage().maxRSS), clusters excluded.',
    '',
  ].join('\n');
  await writeFile(path, text);
  return path;
}

await main();
