// Backpressure from the source: the slices of one read share it. A page the source refused as busy (429, a full
// search queue) is asked again after a backoff, with fewer slices reading at once and smaller pages; a page
// slower than the target makes the next pages smaller. Fast, clean pages give both back step by step. The page
// size follows the same rule the writer's bulks follow (adaptive-batch.ts), counted in bytes of a page.

import { realSleep, type Sleep } from '../../core/time.js';
import { isBusy, isRetryable } from '../errors.js';
import { backoffDelay, type RetryPolicy } from '../retry.js';
import { type BatchLimits, nextBatchBytes } from './adaptive-batch.js';
import { PAGE_BYTES } from './page-sizer.js';
import { Slots } from './slots.js';

export interface SourcePressureOptions {
  /** Slices that may read at once when the source is at ease: the slice count. */
  readers: number;
  /** A page whose answer starts later than this means the source is working hard. */
  targetMs?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Told when the readers or the page size change, and why (logged by the caller; nothing on a steady read). */
  onChange?: (change: PressureChange) => void;
}

export interface PressureChange {
  readers: number;
  /** The share of a full page now asked for, 1 at ease. */
  pageShare: number;
  reason: 'rejected' | 'slow' | 'recovered';
}

/** What the source's pressure did to a read: part of the copy's and the backfill's stats. */
export interface SourcePressureStats {
  /** Page reads the source refused as busy, whole or on some shards (each one was asked again). */
  searchRejections: number;
  /** Pages whose answer came later than the target. */
  slowPages: number;
  /** Page reads sent again after any retryable failure (busy refusals included). */
  pageRetries: number;
  /** Fewest slices that read at once during the copy. */
  minReaders: number;
}

export const DEFAULT_SOURCE_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 250, maxDelayMs: 30_000 };

/** How long a page may take to start answering before the next one is asked smaller. */
export const DEFAULT_PAGE_TARGET_MS = 3_000;

export class SourcePressure {
  readonly stats: SourcePressureStats;
  private readonly readers: Slots;
  private readonly maxReaders: number;
  private readonly limits: BatchLimits;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private pageBytes = PAGE_BYTES;
  private fastPages = 0;

  constructor(private readonly o: SourcePressureOptions) {
    this.maxReaders = Math.max(1, Math.floor(o.readers));
    this.readers = new Slots(this.maxReaders);
    this.limits = {
      minBytes: PAGE_BYTES / 64,
      maxBytes: PAGE_BYTES,
      targetMs: o.targetMs ?? DEFAULT_PAGE_TARGET_MS,
    };
    this.retry = o.retry ?? DEFAULT_SOURCE_RETRY;
    this.sleep = o.sleep ?? realSleep;
    this.stats = { searchRejections: 0, slowPages: 0, pageRetries: 0, minReaders: this.maxReaders };
  }

  /** The documents to ask for, given what the page sizer would ask for at ease. */
  pageSize(atEase: number): number {
    return Math.max(1, Math.floor((atEase * this.pageBytes) / PAGE_BYTES));
  }

  get readersNow(): number {
    return this.readers.size;
  }

  /**
   * Opens one page and waits for its first batch, in a reader slot: the server's work for a page is done by
   * the time its answer starts, so the slot is not held while the page is consumed. `open` is called again
   * for each attempt; `safeToRetry` says whether a failed attempt may be sent again (a scroll page only
   * when it was refused whole). Returns the open answer and its first result.
   */
  async first<T>(
    open: () => AsyncGenerator<T>,
    safeToRetry: (error: unknown) => boolean = isRetryable,
  ): Promise<{ answer: AsyncGenerator<T>; first: IteratorResult<T> }> {
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      await this.readers.acquire();
      try {
        const started = performance.now();
        const answer = open();
        const first = await answer.next();
        this.observe(performance.now() - started);
        return { answer, first };
      } catch (error) {
        failure = error;
      } finally {
        // Released before any backoff: a waiting slice must not hold a reader's place.
        this.readers.release();
      }
      if (!safeToRetry(failure)) throw failure;
      await this.backOff(failure, attempt);
    }
  }

  /**
   * Before a failed page is asked again (`attempt` counts from 0): throws the failure once the policy's
   * attempts are spent; otherwise counts it, reads less if the source said it is busy, and waits.
   */
  async backOff(failure: unknown, attempt: number): Promise<void> {
    if (attempt + 1 >= this.retry.attempts) throw failure;
    this.stats.pageRetries++;
    if (isBusy(failure)) this.rejected();
    await this.sleep(backoffDelay(this.retry, attempt));
  }

  private observe(tookMs: number): void {
    const before = this.pageBytes;
    this.pageBytes = nextBatchBytes(this.pageBytes, { tookMs, rejected: 0 }, this.limits);
    if (tookMs > this.limits.targetMs) {
      this.stats.slowPages++;
      this.fastPages = 0;
      if (this.pageBytes < before) this.changed('slow');
      return;
    }
    if (tookMs >= this.limits.targetMs / 2) return;
    // One more reader after two rounds of fast pages from every reader (at least four pages): slower to give
    // back than to take, so a source at its limit is not pushed straight back over it.
    if (++this.fastPages >= Math.max(4, 2 * this.readers.size) && this.readers.size < this.maxReaders) {
      this.fastPages = 0;
      this.readers.setSize(this.readers.size + 1);
      this.changed('recovered');
    } else if (this.pageBytes > before && this.pageBytes === this.limits.maxBytes) this.changed('recovered');
  }

  private rejected(): void {
    this.stats.searchRejections++;
    this.fastPages = 0;
    this.pageBytes = nextBatchBytes(this.pageBytes, { tookMs: 0, rejected: 1 }, this.limits);
    this.readers.setSize(Math.ceil(this.readers.size / 2));
    this.stats.minReaders = Math.min(this.stats.minReaders, this.readers.size);
    this.changed('rejected');
  }

  private changed(reason: PressureChange['reason']): void {
    this.o.onChange?.({ readers: this.readers.size, pageShare: this.pageBytes / PAGE_BYTES, reason });
  }
}

/** One line for the operator when the source makes the read change pace (never on a steady read). */
export function pressureMessage(what: string, change: PressureChange, since = 0): string {
  const why = {
    rejected: 'the source refused a search page as busy',
    slow: 'a search page answered slower than the target',
    recovered: 'the source answers fast again',
  }[change.reason];
  const more = since > 0 ? ` (${since} more change(s) since the last message)` : '';
  return `${what}: ${why}; reading with ${change.readers} slice(s) at once, pages at ${Math.round(change.pageShare * 100)}% of full size${more}`;
}

/** One pace change in this long is said at most once: a source at its limit swings between paces often. */
const WARN_EVERY_MS = 30_000;

/**
 * The warning of each pace change, at most one per WARN_EVERY_MS: the first at once, later ones held and said
 * (the newest, with how many came between) once the interval has passed and the pace changes again.
 */
export function pressureWarnings(
  what: string,
  warn: (message: string) => void,
  now: () => number = Date.now,
): (change: PressureChange) => void {
  let lastSaid = -Infinity;
  let held = 0;
  return (change) => {
    if (now() - lastSaid < WARN_EVERY_MS) {
      held++;
      return;
    }
    warn(pressureMessage(what, change, held));
    lastSaid = now();
    held = 0;
  };
}
