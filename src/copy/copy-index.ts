// Copies one index to another cluster: sliced readers on the source feed one bulk writer on the destination.
// Every document keeps its _id and routing and is written with its source _version as an external version,
// so running it again, or alongside change capture, can only move documents forward.
import type { ClusterClient } from '../cluster/client.js';
import { NotFoundError } from '../cluster/errors.js';
import {
  closePointInTime,
  detectReadContext,
  openPointInTime,
  type ReadContextKind,
} from '../cluster/read-context.js';
import type { RetryPolicy, Sleep } from '../cluster/retry.js';
import { type Progress, silentProgress } from '../report/progress.js';
import type { BatchLimits } from './adaptive-batch.js';
import { bulkLines, type VersionType } from './bulk-lines.js';
import { BulkWriter, type DroppedItem } from './bulk-writer.js';
import { CursorLedger } from './cursor-ledger.js';
import type { Clock } from './rate-limiter.js';
import { SliceRestarts, scrollLost } from './slice-restarts.js';
import { readSlice } from './sliced-reader.js';
import { pressureWarnings, SourcePressure, type SourcePressureStats } from './source-pressure.js';
import type { CopyStats, SliceCursor } from './types.js';

export interface CopyIndexOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  /** Parallel readers; defaults to the source's shard count (at least that many on OpenSearch point-in-time). */
  slices?: number;
  /** Hits per search page. */
  pageSize?: number;
  batchBytes?: number;
  concurrency?: number;
  maxDocsPerSecond?: number;
  /** Only documents matching this query, e.g. a `_seq_no` range for a catch-up pass. */
  query?: unknown;
  versionType?: VersionType;
  keepAlive?: string;
  /** Force scroll even where point-in-time exists. */
  readContext?: ReadContextKind;
  progress?: Progress;
  onDrop?: (item: DroppedItem) => void;
  /** Called with a slice's cursor once every document before it is settled: persist it to resume. */
  onCursor?: (cursor: SliceCursor) => void;
  /** Cursors saved by an earlier run; slices already done are skipped. */
  resume?: SliceCursor[];
  retry?: RetryPolicy;
  /** Limits of the adaptive bulk size (adaptive-batch.ts); false keeps `batchBytes` fixed. */
  adapt?: BatchLimits | false;
  /** A search page answering later than this makes the next pages smaller (source-pressure.ts). */
  pageTargetMs?: number;
  clock?: Clock;
  sleep?: Sleep;
}

export interface CopyIndexResult extends CopyStats, SourcePressureStats {
  /** Hits read from the source. */
  read: number;
  /** Hits without `_source`, which a document copy cannot carry (only snapshot/restore can). */
  withoutSource: number;
  readContext: ReadContextKind;
  slices: number;
  aborted: boolean;
  /** Summed over slices: time waiting for the source's pages, and time waiting for the writer to take hits. */
  readWaitMs: number;
  writeWaitMs: number;
  /** Slices read again from the start after their context was lost (a scroll dropped by a busy source). */
  sliceRestarts: number;
  /** The adaptive bulk size the writer ended with. */
  finalBatchBytes: number;
}

export interface CopyJob {
  readonly done: Promise<CopyIndexResult>;
  readonly stats: CopyStats;
  setConcurrency(n: number): void;
  setMaxDocsPerSecond(n: number | undefined): void;
  abort(): void;
}

export function copyIndex(options: CopyIndexOptions): Promise<CopyIndexResult> {
  return startCopyIndex(options).done;
}

export function startCopyIndex(options: CopyIndexOptions): CopyJob {
  const writer = new BulkWriter({
    target: options.dest,
    flushBytes: options.batchBytes,
    adapt: options.adapt,
    concurrency: options.concurrency,
    maxDocsPerSecond: options.maxDocsPerSecond,
    onDrop: options.onDrop,
    retry: options.retry,
    clock: options.clock,
    sleep: options.sleep,
  });
  return {
    done: runCopy(options, writer),
    stats: writer.stats,
    setConcurrency: (n) => writer.setConcurrency(n),
    setMaxDocsPerSecond: (n) => writer.setMaxDocsPerSecond(n),
    abort: () => writer.abort(),
  };
}

async function runCopy(o: CopyIndexOptions, writer: BulkWriter): Promise<CopyIndexResult> {
  const kind = o.readContext ?? (await detectReadContext(o.source));
  const shards = Number((await o.source.getIndexSettings(o.sourceIndex))['index.number_of_shards'] ?? 1);
  const slices = sliceCount(kind, shards, o.slices, o.resume);
  const keepAlive = o.keepAlive ?? '5m';
  const total = await o.source.count(o.sourceIndex, o.query);
  const progress = o.progress ?? silentProgress;
  const task = progress.task(`copy ${o.sourceIndex}`, total, 'docs');
  const pressure = new SourcePressure({
    readers: slices,
    targetMs: o.pageTargetMs,
    sleep: o.sleep,
    onChange: pressureWarnings(`copy ${o.sourceIndex}`, (m) => progress.warn(m)),
  });
  // Nothing to read; an index that never held a document has no mapping, and sliced reads of it fail.
  if (total === 0) {
    task.finish();
    return {
      ...(await writer.close()),
      ...pressure.stats,
      finalBatchBytes: writer.batchBytes,
      read: 0,
      withoutSource: 0,
      readWaitMs: 0,
      writeWaitMs: 0,
      sliceRestarts: 0,
      readContext: kind,
      slices,
      aborted: false,
    };
  }
  const ledger = new CursorLedger(o.onCursor ?? (() => {}));
  const counts: SliceCounts = { read: 0, withoutSource: 0, readWaitMs: 0, writeWaitMs: 0, sliceRestarts: 0 };
  const pitId =
    kind === 'scroll' ? undefined : await openPointInTime(o.source, kind, o.sourceIndex, keepAlive);
  const tick = setInterval(() => task.update(writer.stats.docs + writer.stats.skippedOlder), 1_000).unref();
  try {
    const readers = Array.from({ length: slices }, (_, slice) => {
      const from = o.resume?.find((c) => c.slice === slice);
      if (from?.done) return Promise.resolve();
      return copySlice(o, writer, ledger, counts, { kind, pitId, slice, slices, keepAlive, from, pressure });
    });
    await Promise.all(readers);
    const stats = await writer.close();
    ledger.release(writer.settledBelow);
    task.update(stats.docs + stats.skippedOlder);
    task.finish(`${stats.skippedOlder} skipped as older, ${stats.dropped} dropped`);
    return {
      ...stats,
      ...counts,
      ...pressure.stats,
      finalBatchBytes: writer.batchBytes,
      readContext: kind,
      slices,
      aborted: writer.isAborted,
    };
  } catch (error) {
    writer.abort();
    // The first error is the one to throw; a second one from closing is shown, not lost.
    await writer
      .close()
      .catch((closeError: unknown) =>
        progress.warn(`closing the bulk writer also failed: ${String(closeError)}`),
      );
    throw error;
  } finally {
    clearInterval(tick);
    // An aborted run keeps its point-in-time so that a resume can continue in it; it expires on its own.
    if (pitId && kind !== 'scroll' && !writer.isAborted) {
      await closePointInTime(o.source, kind, pitId).catch((closeError: unknown) =>
        progress.warn(
          `could not close the point-in-time on ${o.sourceIndex} (it expires after ${keepAlive}): ${String(closeError)}`,
        ),
      );
    }
  }
}

interface SliceCounts {
  read: number;
  withoutSource: number;
  readWaitMs: number;
  writeWaitMs: number;
  sliceRestarts: number;
}

interface SlicePlan {
  kind: ReadContextKind;
  pitId: string | undefined;
  slice: number;
  slices: number;
  keepAlive: string;
  from: SliceCursor | undefined;
  pressure: SourcePressure;
}

async function copySlice(
  o: CopyIndexOptions,
  writer: BulkWriter,
  ledger: CursorLedger,
  counts: SliceCounts,
  plan: SlicePlan,
): Promise<void> {
  const restarts = new SliceRestarts();
  for (;;) {
    const readBefore = counts.read;
    try {
      await readInto(o, writer, ledger, counts, plan);
      return;
    } catch (error) {
      // The context is gone (404): a saved one expired, or the server dropped a scroll after refusing one of its
      // pages as busy (Elasticsearch 7.10 frees a scroll's shard context when its page is refused; the page asked
      // again answers 404). Read the slice again from the start; every write is an external-version write, so
      // documents already copied come back as skipped.
      const lost =
        plan.kind === 'scroll'
          ? scrollLost(error)
          : error instanceof NotFoundError && plan.from !== undefined;
      if (!lost || !restarts.allowAfter(counts.read - readBefore)) throw error;
      counts.sliceRestarts++;
      plan = { ...plan, from: undefined };
    }
  }
}

async function readInto(
  o: CopyIndexOptions,
  writer: BulkWriter,
  ledger: CursorLedger,
  counts: SliceCounts,
  plan: SlicePlan,
): Promise<void> {
  const pages = readSlice({
    client: o.source,
    index: o.sourceIndex,
    pageSize: o.pageSize ?? 1_000,
    query: o.query,
    ...plan,
  });
  try {
    for (let asked = performance.now(); ; asked = performance.now()) {
      const next = await pages.next();
      const got = performance.now();
      counts.readWaitMs += got - asked;
      if (next.done) break;
      const page = next.value;
      if (writer.isAborted) break;
      counts.read += page.hits.length + page.withoutSource.length;
      counts.withoutSource += page.withoutSource.length;
      for (const hit of page.hits) await writer.add(hit.id, bulkLines(o.destIndex, hit, o.versionType));
      counts.writeWaitMs += performance.now() - got;
      ledger.record(page.cursor, writer.addedCount);
      ledger.release(writer.settledBelow);
    }
  } finally {
    // Closes the reader's scroll when the loop stops early (an abort), as for-await would.
    await pages.return(undefined);
  }
}

/**
 * OpenSearch point-in-time sorts on `_doc`, unique only within one shard: with at least as many slices as
 * shards, each slice reads a single shard. Resumed runs keep the slice count they started with.
 */
export function sliceCount(
  kind: ReadContextKind,
  shards: number,
  requested: number | undefined,
  resume: SliceCursor[] | undefined,
): number {
  const saved = resume?.[0]?.slices;
  if (saved) return saved;
  const wanted = Math.max(1, requested ?? shards);
  if (kind !== 'os-pit' || wanted >= shards) return wanted;
  return shards;
}
