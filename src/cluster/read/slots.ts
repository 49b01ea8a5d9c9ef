// A semaphore whose size can change while it is held: raising it wakes waiters at once, lowering it lets
// the requests in flight finish and holds new ones back until the count drops below the new size.

export class Slots {
  private inUse = 0;
  private waiters: (() => void)[] = [];

  constructor(private limit: number) {}

  get busy(): number {
    return this.inUse;
  }

  get size(): number {
    return this.limit;
  }

  setSize(limit: number): void {
    this.limit = Math.max(1, Math.floor(limit));
    this.wake();
  }

  async acquire(): Promise<void> {
    while (this.inUse >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inUse++;
  }

  release(): void {
    this.inUse--;
    this.wake();
  }

  /** Resolves when nothing is in flight. */
  async idle(): Promise<void> {
    while (this.inUse > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
