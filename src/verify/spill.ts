// Records of one side, spread over partition files on disk by a hash of the id. Listing a side writes here
// whatever order the shards answer in; comparing reads one partition of each side at a time, so memory holds
// one partition, never an index.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionOf } from './partition.js';
import type { DocRecord } from './types.js';

type Line = [id: string, routing: string | null, version: number, seqNo: number | null, hash: string | null];

export function encodeRecord(r: DocRecord): string {
  const line: Line = [r.id, r.routing ?? null, r.version, r.seqNo ?? null, r.hash ?? null];
  return JSON.stringify(line);
}

export function decodeRecord(text: string): DocRecord {
  const [id, routing, version, seqNo, hash] = JSON.parse(text) as Line;
  return { id, routing: routing ?? undefined, version, seqNo: seqNo ?? undefined, hash: hash ?? undefined };
}

export interface SpillLimits {
  /** A partition's buffer is written out once it holds this many characters. */
  partitionFlushChars: number;
  /** Readers wait for the disk once all buffers together hold this many. */
  totalBufferedChars: number;
}

const DEFAULT_LIMITS: SpillLimits = { partitionFlushChars: 64 * 1024, totalBufferedChars: 16 * 1024 * 1024 };

export class SpillWriter {
  private readonly buffers: string[][];
  private readonly sizes: number[];
  private readonly writes: Promise<void>[];
  private buffered = 0;
  private failure: unknown;
  records = 0;

  constructor(
    private readonly dir: string,
    private readonly side: 'source' | 'dest',
    readonly partitions: number,
    private readonly limits: SpillLimits = DEFAULT_LIMITS,
  ) {
    this.buffers = Array.from({ length: partitions }, () => []);
    this.sizes = new Array<number>(partitions).fill(0);
    this.writes = Array.from({ length: partitions }, () => Promise.resolve());
  }

  path(partition: number): string {
    return spillPath(this.dir, this.side, partition);
  }

  add(record: DocRecord): void {
    const p = partitionOf(record.id, this.partitions);
    const line = `${encodeRecord(record)}\n`;
    this.buffers[p]!.push(line);
    this.sizes[p]! += line.length;
    this.buffered += line.length;
    this.records++;
    if (this.sizes[p]! >= this.limits.partitionFlushChars) this.flush(p);
  }

  /** Backpressure for readers: call after each page; waits only when too much is buffered or in flight. */
  async drain(): Promise<void> {
    if (this.buffered >= this.limits.totalBufferedChars) {
      for (let p = 0; p < this.partitions; p++) this.flush(p);
      await Promise.all(this.writes);
    }
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    for (let p = 0; p < this.partitions; p++) this.flush(p);
    await Promise.all(this.writes);
    this.throwIfFailed();
  }

  private flush(p: number): void {
    if (this.sizes[p] === 0) return;
    const data = this.buffers[p]!.join('');
    const size = this.sizes[p]!;
    this.buffers[p] = [];
    this.sizes[p] = 0;
    // Appends to one file are chained so they never interleave; the count drops once the disk has them.
    this.writes[p] = this.writes[p]!.then(async () => {
      try {
        await appendFile(this.path(p), data);
      } catch (error) {
        this.failure ??= error;
      } finally {
        this.buffered -= size;
      }
    });
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

export function spillPath(dir: string, side: 'source' | 'dest', partition: number): string {
  return join(dir, `${side}-${partition}.ndjson`);
}

/** All records of one partition file; a partition no record fell into has no file. */
export async function readPartition(path: string): Promise<DocRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: DocRecord[] = [];
  for (const line of text.split('\n')) if (line) out.push(decodeRecord(line));
  return out;
}
