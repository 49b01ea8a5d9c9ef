// Documents-per-second ceiling, changeable while running. A schedule rather than a bucket: each batch books
// its slot after the previous one, so a burst after a pause is still spread out.
import type { Sleep } from '../core/time.js';

export type Clock = () => number;

export class RateLimiter {
  private nextFreeAt = 0;

  constructor(
    private docsPerSecond: number | undefined,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  /** undefined or 0 lifts the limit. */
  setRate(docsPerSecond: number | undefined): void {
    this.docsPerSecond = docsPerSecond && docsPerSecond > 0 ? docsPerSecond : undefined;
  }

  get rate(): number | undefined {
    return this.docsPerSecond;
  }

  /** Waits until `docs` more documents may be sent. */
  async take(docs: number): Promise<void> {
    if (!this.docsPerSecond) return;
    const now = this.clock();
    const start = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = start + (docs * 1000) / this.docsPerSecond;
    if (start > now) await this.sleep(start - now);
  }
}
