// Holds reader cursors until every document read before them is settled, then hands them on to be saved.
// A cursor saved earlier could skip documents that were read but never written if the run died.
import type { SliceCursor } from './types.js';

interface Pending {
  cursor: SliceCursor;
  /** Documents added to the writer when this cursor was reached. */
  through: number;
}

export class CursorLedger {
  private pending: Pending[] = [];

  constructor(private readonly save: (cursor: SliceCursor) => void) {}

  record(cursor: SliceCursor, through: number): void {
    this.pending.push({ cursor, through });
  }

  /** Saves every cursor whose documents are all below `settledBelow`, oldest first. */
  release(settledBelow: number): void {
    const ready = this.pending.filter((p) => p.through <= settledBelow);
    if (ready.length === 0) return;
    this.pending = this.pending.filter((p) => p.through > settledBelow);
    for (const p of ready) this.save(p.cursor);
  }
}
