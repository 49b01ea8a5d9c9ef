// Keeps the oracle's order exact: single-document operations hold the gate shared and lock their ids, a
// by-query operation holds it exclusively (it waits for everything in flight and runs alone).

export class OpGate {
  private shared = 0;
  private exclusive: Promise<void> | undefined;
  private drained: (() => void) | undefined;
  private readonly locked = new Set<string>();

  isLocked(id: string): boolean {
    return this.locked.has(id);
  }

  /** Locks ids synchronously: call between picking them and the next await, so no one else picks them. */
  lock(ids: readonly string[]): void {
    for (const id of ids) this.locked.add(id);
  }

  unlock(ids: readonly string[]): void {
    for (const id of ids) this.locked.delete(id);
  }

  async withShared<T>(run: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    this.shared++;
    try {
      return await run();
    } finally {
      this.shared--;
      if (this.shared === 0) this.drained?.();
    }
  }

  async withExclusive<T>(run: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release = (): void => {};
    this.exclusive = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.shared > 0) {
        await new Promise<void>((resolve) => {
          this.drained = resolve;
        });
      }
      this.drained = undefined;
      return await run();
    } finally {
      this.exclusive = undefined;
      release();
    }
  }
}
