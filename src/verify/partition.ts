// Which spill partition and which sample an id falls in. Both sides compute the same answer from the id
// alone, so a partition on one side holds exactly the ids of the same partition on the other.

/** FNV-1a over UTF-16 code units: fast, stable across runs and machines, and good enough to spread ids. */
export function idHash(id: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche so ids that differ only in their last characters spread over all partitions.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

export function partitionOf(id: string, partitions: number): number {
  return idHash(id) % partitions;
}

const SAMPLE_SEED = 0x9e3779b9;
const SAMPLE_SCALE = 1_000_000;

/** True when the id belongs to the sample; a different seed than partitioning so samples cover all partitions. */
export function inSample(id: string, fraction: number): boolean {
  if (fraction >= 1) return true;
  return idHash(id, SAMPLE_SEED) % SAMPLE_SCALE < fraction * SAMPLE_SCALE;
}

/**
 * Enough partitions that one holds about `target` documents. Partition files are opened only to append a
 * flushed buffer and all buffers together are capped, so many partitions cost little memory; the cap keeps
 * the number of files sane (16384 x 100k = 1.6 billion documents per side before partitions grow).
 */
export function partitionCount(expectedDocs: number, target: number, max = 16_384): number {
  return Math.min(max, Math.max(1, Math.ceil(expectedDocs / Math.max(1, target))));
}
