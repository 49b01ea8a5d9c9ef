// Options with every default filled in, checked once so the rest of verification trusts them.
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { realSleep, type Sleep } from '../core/time.js';
import type { ShardCheckpoints, VerifyOptions } from './types.js';

export interface ResolvedVerifyOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  deep: boolean;
  sample: number;
  since: ShardCheckpoints | undefined;
  recheckRounds: number;
  recheckDelayMs: number;
  outPath: string | undefined;
  progress: Progress;
  concurrency: number;
  pageSize: number;
  workDir: string | undefined;
  partitionTarget: number;
  sleep: Sleep;
  now: () => number;
}

export function resolveOptions(o: VerifyOptions): ResolvedVerifyOptions {
  const sample = o.sample ?? 1;
  if (!(sample > 0 && sample <= 1))
    throw new ConfigError(
      `Sample ${sample} is not a fraction of documents between 0 and 1.`,
      'Give --sample as a fraction (0.01) or a percentage (1%).',
    );
  const concurrency = o.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError(
      `Concurrency ${concurrency} is not a positive integer.`,
      'Give --concurrency as 1 or more.',
    );
  const deep = o.level === 'deep';
  return {
    source: o.source,
    dest: o.dest,
    sourceIndex: o.sourceIndex,
    destIndex: o.destIndex ?? o.sourceIndex,
    deep,
    sample,
    since: o.since,
    recheckRounds: o.recheckRounds ?? 2,
    recheckDelayMs: o.recheckDelayMs ?? 1000,
    outPath: o.outPath,
    progress: o.progress ?? silentProgress,
    concurrency,
    // Pages with _source are bounded by bytes rather than count: keep them small.
    pageSize: deep ? 1000 : 5000,
    workDir: o.workDir,
    partitionTarget: o.partitionTarget ?? 100_000,
    sleep: o.sleep ?? realSleep,
    now: o.now ?? Date.now,
  };
}
