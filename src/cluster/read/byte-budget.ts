// The bytes of documents this process holds between reading them and being done with them (written, hashed,
// listed), shared by every reader: slices, capture, listings and look-ups all draw from one budget, so the
// memory of a run is bounded by bytes, not by documents times their size. A document larger than the whole
// budget is let through alone (it cannot be split), once nothing else is held.

export class ByteBudget {
  private used = 0;
  private readonly waiters: { bytes: number; wake: () => void }[] = [];

  constructor(readonly limit: number) {}

  get held(): number {
    return this.used;
  }

  /** Takes the bytes now if they fit (or nothing is held); false leaves the budget as it was. */
  tryTake(bytes: number): boolean {
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.used += bytes;
    return true;
  }

  /** Waits until the bytes fit. A caller must hold nothing itself while it waits, or readers could wait on each other. */
  async take(bytes: number): Promise<void> {
    if (this.tryTake(bytes)) return;
    await new Promise<void>((wake) => this.waiters.push({ bytes, wake }));
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    // First come, first served: a large document waiting is not starved by small ones behind it.
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.wake();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }
}

/**
 * The process's budget: 32 MB of raw documents in hand (a page being written, hashed or listed), which the
 * JSON strings and bulk bodies built from them turn into about three times that on the V8 heap; with
 * bin/ferry.js's 256 MB heap that leaves room for the rest of the process.
 */
export const documentBytes = new ByteBudget(32 * 1024 * 1024);

/**
 * The turn to read one large document (over 8 MB) while it is still arriving: such a document is held by its
 * reader before the budget can count it, so several readers each holding one (listings of both sides, several
 * shards) would each add it, and the copies made of it, to the process's memory.
 */
export const largeDocumentTurn = new ByteBudget(1);
