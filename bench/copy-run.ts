// The copy benchmark's methods, in the order they run, and one run of a method: the dest index is made for
// those that need it (untimed), the method timed, the dest counted, then everything it made removed.
import { loadavg } from 'node:os';
import { createDestIndexFrom } from '../src/plan/dest-index.js';
import {
  type BenchEnv,
  elasticdump,
  type MethodResult,
  rawBulkCeiling,
  reindexFromRemote,
  snapshotRestore,
} from './copy-methods.js';
import { ferryRun } from './ferry-run-method.js';

export interface Row extends MethodResult {
  key: string;
  name: string;
  destCount: number;
  /** 1-minute load average when the run started. */
  load: string;
  /** What went wrong, when the method could not copy the corpus. */
  failed?: string;
}

export type Method = {
  key: string;
  name: (env: BenchEnv) => string;
  /** The method makes the dest index itself. */
  createsIndex?: boolean;
  run: (env: BenchEnv, dest: string) => Promise<MethodResult>;
};

export const METHODS: Method[] = [
  {
    key: 'ferry-auto',
    name: () => 'Ferry auto (snapshot)',
    createsIndex: true,
    run: (e, d) => ferryRun(e, d, 'auto'),
  },
  { key: 'ferry-copy', name: () => 'Ferry copy', createsIndex: true, run: (e, d) => ferryRun(e, d, 'copy') },
  {
    key: 'reindex',
    name: () => 'reindex from remote ×1',
    run: (e, d) => reindexFromRemote(e, d, 1, e.reindexSize),
  },
  {
    key: 'reindex-parallel',
    name: () => 'reindex from remote ×4 ranges',
    run: (e, d) => reindexFromRemote(e, d, 4, e.reindexSize),
  },
  {
    key: 'elasticdump',
    name: (e) => `elasticdump --limit ${e.elasticdumpLimit}`,
    run: (e, d) => elasticdump(e, d, [`--limit=${e.elasticdumpLimit}`, '--noRefresh'], 1),
  },
  { key: 'snapshot', name: () => 'snapshot + restore by hand', createsIndex: true, run: snapshotRestore },
  { key: 'ceiling', name: () => 'raw _bulk ceiling', run: rawBulkCeiling },
  // Not in the default run (FERRY_BENCH_ONLY=...): elasticdump's defaults.
  {
    key: 'elasticdump-defaults',
    name: () => 'elasticdump (defaults)',
    run: (e, d) => elasticdump(e, d, [], 1),
  },
];

export const DEFAULT_METHODS = [
  'ferry-auto',
  'ferry-copy',
  'reindex',
  'reindex-parallel',
  'elasticdump',
  'snapshot',
  'ceiling',
];

export async function runMethod(env: BenchEnv, method: Method, run: number): Promise<Row> {
  const destIndex = `${env.index}-${method.key}-${run}`;
  const name = method.name(env);
  const load = loadavg()[0]!.toFixed(2);
  console.log(`running ${name} on ${env.index} (load ${load}) ...`);
  let result: MethodResult;
  try {
    if (!method.createsIndex) await createDestIndexFrom(env.source, env.dest, env.index, destIndex);
    result = await method.run(env, destIndex);
  } catch (error) {
    const failed = (error instanceof Error ? error.message : String(error))
      .replace(/\s+/g, ' ')
      .slice(0, 400);
    console.log(`  failed: ${failed}`);
    await env.dest.deleteIndex(destIndex).catch(() => undefined);
    return {
      key: method.key,
      name,
      seconds: 0,
      peakRssMb: undefined,
      command: '',
      destCount: 0,
      load,
      failed,
    };
  }
  await env.dest.refresh(destIndex);
  const destCount = await env.dest.count(destIndex);
  console.log(
    `  ${result.seconds.toFixed(1)} s${result.wholeSeconds ? ` (whole ${result.wholeSeconds.toFixed(1)} s)` : ''}, ${Math.round(env.docs / result.seconds)} docs/s, peak RSS ${result.peakRssMb?.toFixed(0) ?? 'n/a'} MB, dest count ${destCount}${result.note ? `; ${result.note}` : ''}`,
  );
  await result.cleanup?.();
  await env.dest.deleteIndex(destIndex).catch(() => undefined);
  return { ...result, key: method.key, name, destCount, load };
}
