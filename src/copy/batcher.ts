// Collects NDJSON lines into bulk bodies; a body leaves when it reaches the byte limit (or on flush).
// Pure: no timers, no I/O, so the batching rules are unit tested directly.

export interface Batch {
  body: string;
  /** One entry per document, in body order, to match bulk answer items back to what was sent. */
  items: BatchItem[];
  bytes: number;
}

export interface BatchItem {
  id: string;
  lines: string;
}

export class Batcher {
  private lines: string[] = [];
  private items: BatchItem[] = [];
  private bytes = 0;

  constructor(private limitBytes: number) {}

  get size(): number {
    return this.items.length;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  setLimit(bytes: number): void {
    this.limitBytes = bytes;
  }

  /** Adds one document; returns a full batch when this document filled it. */
  add(id: string, lines: string): Batch | undefined {
    this.lines.push(lines);
    this.items.push({ id, lines });
    // UTF-16 length is a cheap stand-in for bytes while batching; the exact count is taken once per batch.
    this.bytes += lines.length;
    return this.bytes >= this.limitBytes ? this.take() : undefined;
  }

  /** Whatever is pending, or undefined when nothing is. */
  take(): Batch | undefined {
    if (this.items.length === 0) return undefined;
    const body = this.lines.join('');
    const batch = { body, items: this.items, bytes: Buffer.byteLength(body) };
    this.lines = [];
    this.items = [];
    this.bytes = 0;
    return batch;
  }
}

/** A body for a subset of a batch's items (those to retry). */
export function rebatch(items: BatchItem[]): Batch {
  const body = items.map((i) => i.lines).join('');
  return { body, items, bytes: Buffer.byteLength(body) };
}
