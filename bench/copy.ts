import { cpus, loadavg, totalmem } from 'node:os';
import { ClusterClient } from '../src/cluster/client.js';
import { engineLabel } from '../src/cluster/engine.js';
import { bedDown, bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';
import { buildDist, codeVersion } from './built-code.js';
import { CORPORA, type CorpusKey } from './copy-corpora.js';
import type { BenchEnv } from './copy-methods.js';
import { type CorpusResult, writeReport } from './copy-report.js';
import { DEFAULT_METHODS, METHODS, type Method, type Row, runMethod } from './copy-run.js';

const PAIR = process.env.FERRY_BENCH_ENGINE ?? 'opensearch-2';
const ONLY = process.env.FERRY_BENCH_ONLY?.split(',') ?? DEFAULT_METHODS;
const WANTED = (process.env.FERRY_BENCH_CORPORA ?? 'small,large').split(',') as CorpusKey[];
/** Runs per method; the machine is shared, so the best run is reported and every run is listed. */
const REPEAT = Number(process.env.FERRY_BENCH_REPEAT ?? 1);

async function main(): Promise<void> {
  const commit = codeVersion();
  // `ferry run` is measured as operators run it: bin/ferry.js on the built dist of this tree.
  await buildDist();
  const bed = await bedUp(parseEnginePair(PAIR), process.pid);
  const [source, dest] = await Promise.all([
    ClusterClient.connect({ url: bed.source.url }),
    ClusterClient.connect({ url: bed.dest.url }),
  ]);
  const startLoad = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  try {
    const results: CorpusResult[] = [];
    // Written after each corpus, so a later failure leaves what was measured.
    const stamp = new Date();
    const save = () =>
      writeReport(
        {
          engines: `source ${engineLabel(source.engine)}, dest ${engineLabel(dest.engine)} (one node each, same machine)`,
          machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; shared with other engineers' work; load average (1, 5, 15 min) at the start ${startLoad}, at the last corpus's end ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
          command: `${[
            'FERRY_BED_PORT',
            'FERRY_BENCH_DOCS',
            'FERRY_BENCH_LARGE_DOCS',
            'FERRY_BENCH_LARGE_BIG',
            'FERRY_BENCH_CORPORA',
            'FERRY_BENCH_ENGINE',
            'FERRY_BENCH_ONLY',
            'FERRY_BENCH_REPEAT',
            'FERRY_BENCH_SLICES',
            'FERRY_BENCH_CONCURRENCY',
          ]
            .filter((k) => process.env[k] !== undefined)
            .map((k) => `${k}=${process.env[k]}`)
            .join(' ')} npm run bench:copy`,
          commit,
          results,
        },
        stamp,
      );
    let file = '';
    for (const key of WANTED) {
      const corpus = CORPORA[key];
      const index = `corpus-${key}`;
      const loadStarted = performance.now();
      const sourceBytes = await corpus.load(source, index);
      console.log(
        `corpus ${key}: ${corpus.docs} docs, ${(sourceBytes / 1e6).toFixed(1)} MB of JSON, loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`,
      );
      const env: BenchEnv = {
        source,
        dest,
        sourceUrl: bed.source.url,
        destUrl: bed.dest.url,
        index,
        docs: corpus.docs,
        repoDir: bed.repoDir,
        slices: Number(process.env.FERRY_BENCH_SLICES ?? 4),
        concurrency: Number(process.env.FERRY_BENCH_CONCURRENCY ?? 4),
        elasticdumpLimit: corpus.elasticdumpLimit,
        reindexSize: corpus.reindexSize,
      };
      // Round-robin, so that load from others on a shared machine falls on every method alike.
      const methods = METHODS.filter((m) => ONLY.includes(m.key));
      const runs = new Map<string, Row[]>(methods.map((m) => [m.key, []]));
      for (let run = 0; run < REPEAT; run++)
        for (const method of methods) runs.get(method.key)!.push(await runMethod(env, method, run));
      const stats = await source.json<{ _all: { primaries: { store: { size_in_bytes: number } } } }>({
        method: 'GET',
        path: `/${index}/_stats/store`,
      });
      results.push({
        key,
        description: corpus.describe(sourceBytes),
        docs: corpus.docs,
        sourceMb: sourceBytes / 1e6,
        storeMb: stats._all.primaries.store.size_in_bytes / 1e6,
        rows: methods.map((m: Method) => bestOf(runs.get(m.key)!)),
      });
      // Room on the bed's disk and heap for the next corpus.
      await source.deleteIndex(index);
      file = await save();
      console.log(`report so far: ${file}`);
    }
    console.log(`report: ${file}`);
  } finally {
    await Promise.all([source.close(), dest.close()]);
    await bedDown();
  }
}

function bestOf(runs: Row[]): Row {
  const ok = runs.filter((r) => !r.failed);
  if (ok.length === 0) return runs[0]!;
  const best = ok.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const all =
    runs.length > 1
      ? `runs: ${runs.map((r) => (r.failed ? 'failed' : `${r.seconds.toFixed(1)} s (load ${r.load})`)).join(', ')}`
      : '';
  return { ...best, note: [best.note, all].filter(Boolean).join('; ') };
}

main().catch(async (error: unknown) => {
  console.error(error);
  await bedDown();
  process.exitCode = 1;
});
