// Collects NDJSON lines into bulk bodies; a body leaves when it reaches the byte limit (or on flush).
// Pure: no timers, no I/O, so the batching rules are unit tested directly.
//
// A body is cut into one UTF-8 Buffer as soon as it is full, and each item keeps only a view into it. The
// lines handed in are substrings of whole search pages (and non-Latin1 text is UTF-16 in V8, twice its bytes);
// keeping them until a batch is answered kept every page of every batch in flight alive. Measured at 1M
// documents: the V8 heap could not stay under 192 MB that way.

export interface Batch {
  body: Buffer;
  /** One entry per document, in body order, to match bulk answer items back to what was sent. */
  items: BatchItem[];
  bytes: number;
}

export interface BatchItem {
  id: string;
  /** This document's lines: a view into the batch body, no copy. */
  chunk: Buffer;
}

export class Batcher {
  private lines: string[] = [];
  private ids: string[] = [];
  private pending = 0;

  constructor(private limitBytes: number) {}

  get size(): number {
    return this.ids.length;
  }

  get pendingBytes(): number {
    return this.pending;
  }

  setLimit(bytes: number): void {
    this.limitBytes = bytes;
  }

  /** Adds one document; returns a full batch when this document filled it. */
  add(id: string, lines: string): Batch | undefined {
    this.lines.push(lines);
    this.ids.push(id);
    // UTF-16 length is a cheap stand-in for bytes while batching; the exact count is taken once per batch.
    this.pending += lines.length;
    return this.pending >= this.limitBytes ? this.take() : undefined;
  }

  /** Whatever is pending, or undefined when nothing is. */
  take(): Batch | undefined {
    if (this.ids.length === 0) return undefined;
    const lengths = this.lines.map((l) => Buffer.byteLength(l));
    const body = Buffer.from(this.lines.join(''));
    let offset = 0;
    const items = this.ids.map((id, i) => {
      const end = offset + lengths[i]!;
      const item = { id, chunk: body.subarray(offset, end) };
      offset = end;
      return item;
    });
    this.lines = [];
    this.ids = [];
    this.pending = 0;
    return { body, items, bytes: body.length };
  }
}

/** A body for a subset of a batch's items (those to retry). */
export function rebatch(items: BatchItem[]): Batch {
  const body = Buffer.concat(items.map((i) => i.chunk));
  const copied: BatchItem[] = [];
  let offset = 0;
  for (const item of items) {
    copied.push({ id: item.id, chunk: body.subarray(offset, offset + item.chunk.length) });
    offset += item.chunk.length;
  }
  return { body, items: copied, bytes: body.length };
}
