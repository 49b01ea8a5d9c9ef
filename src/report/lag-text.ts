// Lag in words, for `ferry status` and the final report: now, and p50/p99/max over every round, writes and
// deletes apart.
import { type LagDistribution, type LagNow, quantileMs } from '../sync/lag.js';

/** What the sync step keeps in state.results.lagSummary (the recent series is state.results.lag). */
export interface LagResults {
  now: { at: string; writes: LagNow; deletes: LagNow };
  writes: LagDistribution;
  deletes: LagDistribution;
}

export function isLagResults(value: unknown): value is LagResults {
  const v = value as Partial<LagResults> | undefined;
  return typeof v === 'object' && v !== null && v.now !== undefined && v.writes?.buckets !== undefined;
}

export function describeLagNow(lag: LagResults): string {
  const { writes, deletes, at } = lag.now;
  return `writes ${writes.ops} operations / ${seconds(writes.ageMs)}, deletes ${deletes.ops} operations not yet scanned / ${seconds(deletes.ageMs)} (at ${at})`;
}

export function describeLagDistribution(name: string, d: LagDistribution): string {
  return `${name} lag over ${d.count} rounds: p50 ${seconds(quantileMs(d, 0.5))}, p99 ${seconds(quantileMs(d, 0.99))}, max ${seconds(d.maxMs)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
