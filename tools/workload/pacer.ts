// Spreads operation starts evenly at a target rate, shared by all workers.

export class Pacer {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly clock: () => number,
  ) {
    if (!(ratePerSecond > 0))
      throw new RangeError(`workload rate must be above 0 ops/s, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Reserves the next start slot and says how long to wait for it. */
  reserve(): number {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    return slot - now;
  }
}
