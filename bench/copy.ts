// Copy benchmark: Ferry's copy against elasticdump, reindex-from-remote, snapshot/restore and a raw _bulk
// ceiling, on one bed, in one run. Writes bench/results/copy-<date>.md.
//   FERRY_BED_PORT=39230 FERRY_BED_DIR=/tmp/bench-bed npm run bench:copy
//   FERRY_BENCH_DOCS=1000000 (default 100000)  FERRY_BENCH_ENGINE=opensearch-2  FERRY_BENCH_ONLY=ferry,ceiling
//   FERRY_BENCH_REPEAT=2 (runs per method, best reported)  FERRY_BENCH_SLICES=8 (Ferry's slices; default 4 = shards)
import { cpus, totalmem } from 'node:os';
import { ClusterClient } from '../src/cluster/client.js';
import { engineLabel } from '../src/cluster/engine.js';
import { createDestIndexFrom } from '../src/copy/dest-index.js';
import { bedDown, bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';
import {
  type BenchEnv,
  elasticdump,
  ferryCopy,
  type MethodResult,
  rawBulkCeiling,
  reindexFromRemote,
  snapshotRestore,
} from './copy-methods.js';
import { writeReport } from './copy-report.js';
import { loadCorpus } from './corpus.js';

export interface Row extends MethodResult {
  name: string;
  destCount: number;
}

const DOCS = Number(process.env.FERRY_BENCH_DOCS ?? 100_000);
const PAIR = process.env.FERRY_BENCH_ENGINE ?? 'opensearch-2';
const ONLY = process.env.FERRY_BENCH_ONLY?.split(',');
/** Runs per method; the machine is shared, so the best run is reported and every run is listed. */
const REPEAT = Number(process.env.FERRY_BENCH_REPEAT ?? 1);

type Method = {
  key: string;
  name: string;
  createsIndex?: boolean;
  run: (env: BenchEnv, dest: string) => Promise<MethodResult>;
};

const METHODS: Method[] = [
  { key: 'ferry', name: 'Ferry copyIndex', run: ferryCopy },
  { key: 'elasticdump', name: 'elasticdump (defaults)', run: (e, d) => elasticdump(e, d, [], 1) },
  {
    key: 'elasticdump-best',
    name: 'elasticdump --limit 5000',
    run: (e, d) => elasticdump(e, d, ['--limit=5000', '--noRefresh'], 1),
  },
  {
    key: 'elasticdump-parallel',
    name: 'elasticdump --limit 5000 ×4',
    run: (e, d) => elasticdump(e, d, ['--limit=5000', '--noRefresh'], 4),
  },
  { key: 'reindex', name: 'reindex from remote ×1', run: (e, d) => reindexFromRemote(e, d, 1, 1000) },
  {
    key: 'reindex-parallel',
    name: 'reindex from remote ×4 ranges',
    run: (e, d) => reindexFromRemote(e, d, 4, 1000),
  },
  { key: 'snapshot', name: 'snapshot + restore', createsIndex: true, run: snapshotRestore },
  { key: 'ceiling', name: 'raw _bulk ceiling', run: rawBulkCeiling },
];

async function main(): Promise<void> {
  const bed = await bedUp(parseEnginePair(PAIR), process.pid);
  const [source, dest] = await Promise.all([
    ClusterClient.connect({ url: bed.source.url }),
    ClusterClient.connect({ url: bed.dest.url }),
  ]);
  try {
    const index = 'cities';
    const loadStarted = performance.now();
    const sourceBytes = await loadCorpus(source, index, DOCS, 4);
    console.log(
      `corpus: ${DOCS} docs, ${(sourceBytes / 1e6).toFixed(1)} MB of JSON, loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`,
    );
    const env: BenchEnv = {
      source,
      dest,
      sourceUrl: bed.source.url,
      destUrl: bed.dest.url,
      index,
      docs: DOCS,
      repoDir: bed.repoDir,
      slices: Number(process.env.FERRY_BENCH_SLICES ?? 4),
      concurrency: Number(process.env.FERRY_BENCH_CONCURRENCY ?? 4),
    };
    // Round-robin, so that load from others on a shared machine falls on every method alike.
    const methods = METHODS.filter((m) => !ONLY || ONLY.includes(m.key));
    const runs = new Map<string, Row[]>(methods.map((m) => [m.key, []]));
    for (let run = 0; run < REPEAT; run++) {
      for (const method of methods) runs.get(method.key)!.push(await runMethod(env, method));
    }
    const rows = methods.map((method) => bestOf(runs.get(method.key)!));
    const stats = await source.json<{ _all: { primaries: { store: { size_in_bytes: number } } } }>({
      method: 'GET',
      path: `/${index}/_stats/store`,
    });
    const file = await writeReport({
      docs: DOCS,
      sourceMb: sourceBytes / 1e6,
      storeMb: stats._all.primaries.store.size_in_bytes / 1e6,
      engines: `source ${engineLabel(source.engine)}, dest ${engineLabel(dest.engine)} (one node each, same machine)`,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; machine shared with other work`,
      command: `FERRY_BENCH_DOCS=${DOCS} FERRY_BENCH_ENGINE=${PAIR}${ONLY ? ` FERRY_BENCH_ONLY=${ONLY.join(',')}` : ''} FERRY_BENCH_REPEAT=${REPEAT} npm run bench:copy`,
      rows,
    });
    console.log(`report: ${file}`);
  } finally {
    await Promise.all([source.close(), dest.close()]);
    await bedDown();
  }
}

function bestOf(runs: Row[]): Row {
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const all = runs.length > 1 ? `runs: ${runs.map((r) => r.seconds.toFixed(1)).join(', ')} s` : '';
  return { ...best, note: [best.note, all].filter(Boolean).join('; ') };
}

async function runMethod(env: BenchEnv, method: Method): Promise<Row> {
  const destIndex = `cities-${method.key}`;
  if (!method.createsIndex) await createDestIndexFrom(env.source, env.dest, env.index, destIndex);
  console.log(`running ${method.name} ...`);
  const result = await method.run(env, destIndex);
  await env.dest.refresh(destIndex);
  const destCount = await env.dest.count(destIndex);
  console.log(
    `  ${result.seconds.toFixed(1)} s, ${Math.round(env.docs / result.seconds)} docs/s, peak RSS ${result.peakRssMb?.toFixed(0) ?? 'n/a'} MB, dest count ${destCount}`,
  );
  await env.dest.deleteIndex(destIndex);
  return { ...result, name: method.name, destCount };
}

main().catch(async (error: unknown) => {
  console.error(error);
  await bedDown();
  process.exitCode = 1;
});
