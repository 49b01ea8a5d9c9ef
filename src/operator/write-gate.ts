// What every destination bulk of the live path passes through before it leaves: the operator's limits
// (documents and bytes per second, bulks in flight) and the health throttle's slow-down. All of them change
// while the migration runs; the applier only asks for a slot and tells how large its bulk is.

import { Slots } from '../cluster/read/slots.js';
import type { Sleep } from '../core/time.js';
import { type Clock, RateLimiter } from './rate-limiter.js';

export interface WriteLimits {
  /** Destination writes (documents) per second; undefined: no ceiling. */
  maxDocsPerSecond?: number | undefined;
  /** Request body bytes per second to the destination; undefined: no ceiling. */
  maxBytesPerSecond?: number | undefined;
  /** Bulk requests in flight at once; undefined: one per source shard, as many as the readers make. */
  concurrency?: number | undefined;
}

/** Without a concurrency limit the readers (one per shard) already bound what is in flight. */
const UNBOUNDED = 1_000_000;
/** A rate-limited bulk carries at most this share of a second's documents, so the rate is smooth. */
const BULKS_PER_SECOND = 5;
/** Bulks in flight at half speed (fewer below): enough for one per shard of a small index, no more. */
const THROTTLED_SLOTS = 4;
/** However slow a bulk was, a throttled writer looks at the clusters again within this long. */
const MAX_PAUSE_MS = 10_000;

export class WriteGate {
  private readonly docs: RateLimiter;
  private readonly bytes: RateLimiter;
  private readonly slots = new Slots(UNBOUNDED);
  /** 1 = full speed; below 1 the health throttle slows every bulk down by that factor. */
  private factor = 1;
  private limits: WriteLimits = {};
  /** What has passed the gate since the process started (resent bulks included: they are load too). */
  readonly totals = { docs: 0, bytes: 0, bulks: 0, bulkMs: 0, busy: 0 };

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly sleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.docs = new RateLimiter(undefined, clock, sleep);
    this.bytes = new RateLimiter(undefined, clock, sleep);
  }

  setLimits(limits: WriteLimits): void {
    this.limits = { ...limits };
    this.docs.setRate(limits.maxDocsPerSecond);
    this.bytes.setRate(limits.maxBytesPerSecond);
    this.resize();
  }

  /** The operator's concurrency, narrowed while throttled: a busy queue needs fewer bulks at once, too. */
  private resize(): void {
    const operator = this.limits.concurrency ?? UNBOUNDED;
    const throttled = this.factor < 1 ? Math.max(1, Math.floor(THROTTLED_SLOTS * this.factor)) : UNBOUNDED;
    this.slots.setSize(Math.min(operator, throttled));
  }

  get current(): WriteLimits {
    return { ...this.limits };
  }

  /** Set by the health throttle: a share of full speed (0 < factor <= 1). */
  setSlowdown(factor: number): void {
    this.factor = Math.min(1, Math.max(0.01, factor));
    this.resize();
  }

  get slowdown(): number {
    return this.factor;
  }

  /** Items the destination refused as busy (429): the throttle reads them. */
  noteBusy(items: number): void {
    this.totals.busy += items;
  }

  /**
   * The block the destination refuses writes with (a flood-stage `cluster_block_exception`, its reason as the
   * server gave it), from its first refusal until a bulk is written again: the throttle names it at once, also
   * while the writer waits between retries and no bulk leaves.
   */
  block: string | undefined;

  noteBlocked(reason: string): void {
    this.block = reason;
  }

  noteWritten(): void {
    this.block = undefined;
  }

  /** The most documents one bulk should carry so a rate limit is kept smoothly (Infinity without one). */
  maxBulkDocs(): number {
    const rate = this.limits.maxDocsPerSecond;
    return rate ? Math.max(1, Math.floor(rate / BULKS_PER_SECOND)) : Number.POSITIVE_INFINITY;
  }

  /**
   * Waits for a slot and for the rates to allow `docs` documents of `bytes` bytes; returns the release, which
   * the writer awaits after its bulk answered. A throttled gate makes it wait the bulk's own time again,
   * scaled: at factor 0.25 a bulk that took 100 ms is followed by 300 ms of nothing, so the writer's pace
   * follows the destination's own speed.
   */
  async acquire(docs: number, bytes: number): Promise<() => Promise<void>> {
    await this.slots.acquire();
    try {
      await Promise.all([this.docs.take(docs), this.bytes.take(bytes)]);
    } catch (error) {
      this.slots.release();
      throw error;
    }
    this.totals.docs += docs;
    this.totals.bytes += bytes;
    this.totals.bulks++;
    const started = this.clock();
    return async () => {
      const took = this.clock() - started;
      this.totals.bulkMs += took;
      const pause = this.factor < 1 ? (took * (1 - this.factor)) / this.factor : 0;
      try {
        if (pause > 0) await this.sleep(Math.min(pause, MAX_PAUSE_MS));
      } finally {
        this.slots.release();
      }
    };
  }
}
