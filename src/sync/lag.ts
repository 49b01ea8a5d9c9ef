// Lag: how old the oldest source change not yet on the destination is, for writes and for deletes apart.
// A write is on the destination once the capture marks pass its `_seq_no`; a delete only once a delete scan
// has run up to marks past it. So each round the source's max `_seq_no`s are sampled with the time, and the
// age of the oldest change not applied is the time since the latest sample the marks (writes) or the last
// scan's marks (deletes) have reached. The per-round ages go into bounded histograms: p50/p99/max for the
// report, a few hundred bytes in the state file however long the migration runs.
import { type Marks, operationsBetween } from './capture.js';
import { reached } from './cutover.js';

/** Latency histogram: buckets growing by 15%, only the used ones stored. */
export interface LagDistribution {
  /** Rounds sampled. */
  count: number;
  maxMs: number;
  /** Bucket number (upper bound GROWTH^n ms; 0 holds zero) -> rounds. */
  buckets: Record<string, number>;
}

export interface LagNow {
  /** Source operations above the marks (writes) or above the last scan's marks (deletes not yet looked for). */
  ops: number;
  /** Age of the oldest of them, in ms (0 when caught up). */
  ageMs: number;
}

/** What the sync step keeps between rounds to tell the ages. */
export interface LagClock {
  /** Source positions seen at the end of recent rounds that the delete scan has not reached yet. */
  pendingSamples?: { at: number; max: Marks }[];
  /** When the latest source position the capture marks reached was seen. */
  reachedAt?: number;
  /** The same for the last delete scan's marks. */
  scannedAt?: number;
  /** Marks the last delete scan covered. */
  scannedMarks?: Marks;
}

const GROWTH = 1.15;
const KEEP_SAMPLES = 50;

/** Ages of the oldest write and the oldest delete not yet on the destination; moves the clock on. */
export function lagNow(
  clock: LagClock,
  marks: Marks,
  max: Marks,
  now: number,
): { writes: LagNow; deletes: LagNow } {
  const scanned = clock.scannedMarks ?? {};
  const samples = [...(clock.pendingSamples ?? []), { at: now, max }];
  let reachedAt = clock.reachedAt ?? now;
  let scannedAt = clock.scannedAt ?? clock.reachedAt ?? now;
  for (const s of samples) {
    if (reached(marks, s.max)) reachedAt = Math.max(reachedAt, s.at);
    if (reached(scanned, s.max)) scannedAt = Math.max(scannedAt, s.at);
  }
  clock.reachedAt = reachedAt;
  clock.scannedAt = scannedAt;
  // A few samples are enough: the round interval bounds the error of the age.
  clock.pendingSamples = samples.filter((s) => !reached(scanned, s.max)).slice(-KEEP_SAMPLES);
  const writeOps = operationsBetween(marks, max);
  const deleteOps = operationsBetween(scanned, max);
  return {
    writes: { ops: writeOps, ageMs: writeOps === 0 ? 0 : now - reachedAt },
    deletes: { ops: deleteOps, ageMs: deleteOps === 0 ? 0 : now - scannedAt },
  };
}

export function emptyDistribution(): LagDistribution {
  return { count: 0, maxMs: 0, buckets: {} };
}

export function addSample(d: LagDistribution, ms: number): void {
  const bucket = ms <= 1 ? 0 : Math.ceil(Math.log(ms) / Math.log(GROWTH));
  d.buckets[bucket] = (d.buckets[bucket] ?? 0) + 1;
  d.count++;
  d.maxMs = Math.max(d.maxMs, ms);
}

/** The q-quantile (0..1) in ms: the upper bound of its bucket, never above the maximum seen. */
export function quantileMs(d: LagDistribution, q: number): number {
  if (d.count === 0) return 0;
  const rank = Math.ceil(q * d.count);
  let seen = 0;
  for (const b of Object.keys(d.buckets)
    .map(Number)
    .sort((x, y) => x - y)) {
    seen += d.buckets[b] ?? 0;
    if (seen >= rank) return Math.min(d.maxMs, b === 0 ? 0 : GROWTH ** b);
  }
  return d.maxMs;
}

export interface LagSample {
  at: string;
  /** Write lag: operations not yet applied, and the age of the oldest in seconds (also in `writes`). */
  ops: number;
  seconds: number;
  /** Ages of the oldest write and the oldest delete not yet on the destination, in seconds. */
  writes?: number;
  deletes?: number;
}

/** What the sync step keeps in state.results.lagSummary (the recent series is state.results.lag). */
export interface LagResults {
  now: { at: string; writes: LagNow; deletes: LagNow };
  /** Every round, the catch-up after the backfill included. */
  writes: LagDistribution;
  deletes: LagDistribution;
  /** Only the rounds after the dest first caught up: the lag applications live with. */
  steady?: { writes: LagDistribution; deletes: LagDistribution };
}

export function isLagResults(value: unknown): value is LagResults {
  const v = value as Partial<LagResults> | undefined;
  return typeof v === 'object' && v !== null && v.now !== undefined && v.writes?.buckets !== undefined;
}
