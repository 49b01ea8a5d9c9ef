// Writes NDJSON documents in bulk with backpressure, in the manner of the elasticsearch-js bulk helper:
// the caller awaits a free slot before its next document is taken; a batch leaves at a byte size or when
// documents stop coming; only busy rejections are retried, after a backoff, a bounded number of times;
// external-version conflicts count as skipped; anything else goes to onDrop. Limits change while it runs.
import { isRetryable } from '../cluster/errors.js';
import { backoffDelay, type RetryPolicy, realSleep, type Sleep } from '../cluster/retry.js';
import type { BulkResponse } from '../cluster/types.js';
import { type BatchLimits, DEFAULT_BATCH_LIMITS, nextBatchBytes } from './adaptive-batch.js';
import { type Batch, Batcher, type BatchItem, rebatch } from './batcher.js';
import { itemOutcome } from './item-outcome.js';
import { type Clock, RateLimiter } from './rate-limiter.js';
import { Slots } from './slots.js';
import { type CopyStats, emptyStats } from './types.js';
import { validateWriterOptions } from './writer-options.js';

/** What the writer needs of a cluster: ClusterClient fits. */
export interface BulkTarget {
  bulk(ndjson: string | Buffer, query?: Record<string, string>): Promise<BulkResponse>;
}

export interface DroppedItem {
  id: string;
  status: number;
  errorType: string | undefined;
  reason: string;
}

export interface BulkWriterOptions {
  target: BulkTarget;
  /** Starting batch size; adapted between `adapt.minBytes` and `adapt.maxBytes` unless adapt is false. */
  flushBytes?: number;
  /** A partial batch leaves after this long without new documents. */
  flushIntervalMs?: number;
  concurrency?: number;
  maxDocsPerSecond?: number;
  /** Backoff of busy rejections; `attempts` bounds the sends of one item. */
  retry?: RetryPolicy;
  adapt?: BatchLimits | false;
  onDrop?: (item: DroppedItem) => void;
  clock?: Clock;
  sleep?: Sleep;
}

/** Only what settle() reads: a bulk answer is otherwise about as large as a tenth of what was sent. */
const SMALL_ANSWER = { filter_path: 'took,errors,items.*.status,items.*.error' };

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 15_000 } as const;

export class BulkWriter {
  readonly stats: CopyStats = emptyStats();
  private readonly target: BulkTarget;
  private readonly batcher: Batcher;
  private readonly slots: Slots;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;
  private readonly adapt: BatchLimits | false;
  private readonly onDrop: (item: DroppedItem) => void;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly started: number;
  private readonly idleTimer: NodeJS.Timeout | undefined;
  private flushBytes: number;
  private lastAdd: number;
  private failure: unknown;
  private aborted = false;
  /** Documents added so far; document n (0-based) is the n-th add. */
  private added = 0;
  /** First document number of each batch still being written. */
  private readonly inFlight = new Set<number>();
  /** settledBelow when the writer stopped: documents after it may never have been written. */
  private abandonedAt: number | undefined;

  constructor(options: BulkWriterOptions) {
    validateWriterOptions(options);
    this.target = options.target;
    this.adapt = options.adapt ?? DEFAULT_BATCH_LIMITS;
    this.flushBytes = options.flushBytes ?? 4 * 1024 * 1024;
    this.batcher = new Batcher(this.flushBytes);
    this.slots = new Slots(options.concurrency ?? 4);
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.limiter = new RateLimiter(options.maxDocsPerSecond, this.clock, this.sleep);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.onDrop = options.onDrop ?? (() => {});
    this.started = this.clock();
    this.lastAdd = this.started;
    const interval = options.flushIntervalMs ?? 1_000;
    this.idleTimer =
      interval > 0
        ? setInterval(() => this.flushIfIdle(interval), Math.max(10, interval / 2)).unref()
        : undefined;
  }

  get batchBytes(): number {
    return this.flushBytes;
  }

  get concurrency(): number {
    return this.slots.size;
  }

  /** Documents added so far. */
  get addedCount(): number {
    return this.added;
  }

  /**
   * Every document numbered below this one has been settled (written, skipped or dropped): a reader
   * position reached before then is safe to persist.
   */
  get settledBelow(): number {
    if (this.abandonedAt !== undefined) return this.abandonedAt;
    let low = this.added - this.batcher.size;
    for (const first of this.inFlight) low = Math.min(low, first);
    return low;
  }

  get isAborted(): boolean {
    return this.aborted;
  }

  setConcurrency(n: number): void {
    this.slots.setSize(n);
  }

  setMaxDocsPerSecond(n: number | undefined): void {
    this.limiter.setRate(n);
  }

  /** Adds one document's NDJSON lines; resolves once there is room for the next one. */
  async add(id: string, lines: string): Promise<void> {
    this.throwIfFailed();
    if (this.aborted) return;
    this.lastAdd = this.clock();
    this.added++;
    const full = this.batcher.add(id, lines);
    if (full) await this.dispatch(full);
  }

  /** Sends the partial batch and waits for every request in flight. */
  async flush(): Promise<void> {
    const rest = this.batcher.take();
    if (rest && !this.aborted) await this.dispatch(rest);
    await this.slots.idle();
    this.throwIfFailed();
  }

  async close(): Promise<CopyStats> {
    try {
      await this.flush();
    } finally {
      if (this.idleTimer) clearInterval(this.idleTimer);
      this.stats.elapsedMs = this.clock() - this.started;
    }
    return this.stats;
  }

  /** Stops taking documents; what is pending is not sent, requests in flight finish. */
  abort(): void {
    this.abandonedAt ??= this.settledBelow;
    this.aborted = true;
    this.batcher.take();
  }

  private flushIfIdle(interval: number): void {
    if (
      this.batcher.size === 0 ||
      this.clock() - this.lastAdd < interval ||
      this.slots.busy >= this.slots.size
    )
      return;
    const batch = this.batcher.take();
    if (batch) void this.dispatch(batch);
  }

  private async dispatch(batch: Batch): Promise<void> {
    // The batcher is empty right after a take, so this batch holds the last documents added.
    const first = this.added - batch.items.length;
    this.inFlight.add(first);
    await this.slots.acquire();
    await this.limiter.take(batch.items.length);
    this.stats.bytes += batch.bytes;
    void this.send(batch, 0)
      .catch((error: unknown) => {
        this.failure ??= error;
        this.abort();
      })
      .finally(() => {
        this.inFlight.delete(first);
        this.slots.release();
      });
  }

  private async send(batch: Batch, attempt: number): Promise<void> {
    if (this.aborted) return;
    const started = this.clock();
    let response: BulkResponse;
    try {
      this.stats.requests++;
      response = await this.target.bulk(batch.body, SMALL_ANSWER);
    } catch (error) {
      // External-version writes are idempotent, so a whole batch is safe to send again.
      if (!isRetryable(error) || attempt + 1 >= this.retry.attempts) throw error;
      this.adjust(this.clock() - started, batch.items.length);
      return this.again(batch.items, attempt);
    }
    const busy = this.settle(batch.items, response);
    this.adjust(this.clock() - started, busy.length);
    if (busy.length === 0) return;
    if (attempt + 1 >= this.retry.attempts) {
      for (const item of busy)
        this.drop(
          item.id,
          429,
          'es_rejected_execution_exception',
          `still rejected after ${this.retry.attempts} attempts`,
        );
      return;
    }
    return this.again(busy, attempt);
  }

  private async again(items: BatchItem[], attempt: number): Promise<void> {
    this.stats.retried += items.length;
    await this.sleep(backoffDelay(this.retry, attempt));
    return this.send(rebatch(items), attempt + 1);
  }

  /** Counts every item's outcome; returns the ones to retry. */
  private settle(items: BatchItem[], response: BulkResponse): BatchItem[] {
    const busy: BatchItem[] = [];
    items.forEach((item, i) => {
      const result = response.items[i]?.index;
      const outcome = itemOutcome(result);
      if (outcome === 'written') this.stats.docs++;
      else if (outcome === 'skipped_older') this.stats.skippedOlder++;
      else if (outcome === 'retry') busy.push(item);
      else
        this.drop(
          item.id,
          result?.status ?? 0,
          result?.error?.type,
          result?.error?.reason ?? 'no answer for this item',
        );
    });
    return busy;
  }

  private drop(id: string, status: number, errorType: string | undefined, reason: string): void {
    this.stats.dropped++;
    this.onDrop({ id, status, errorType, reason });
  }

  private adjust(tookMs: number, rejected: number): void {
    if (!this.adapt) return;
    this.flushBytes = nextBatchBytes(this.flushBytes, { tookMs, rejected }, this.adapt);
    this.batcher.setLimit(this.flushBytes);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
