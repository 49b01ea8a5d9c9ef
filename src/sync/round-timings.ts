// Where a catch-up round's time goes, phase by phase. The lag follows the round's length, so each round carries
// its own timings and the sync step keeps their sums and maxima (a fixed few numbers however long it runs) for
// the report, status and the deletes benchmark. Measuring is a clock read per phase: it stays on.

/**
 * The phases. Wall phases are stretches of the round's own time line; "summed" phases add up the time of work
 * that runs on several shards at once, so they can exceed the wall phase that holds them.
 */
export const PHASES = {
  positions: 'primaries positions read at the round start (wall)',
  refresh: 'source refresh (wall)',
  shards: 'capture (and the delete scan when overlapped) of every shard, shards at the same time (wall)',
  scan: 'delete scan of every shard after all capture (wall)',
  captureRead: 'capture: source pages read (summed over shards)',
  captureApply: 'capture: applier bulk and ledger commit (summed over shards)',
  scanCount: 'delete scan: range counts on the source (summed over shards)',
  scanLedger: 'delete scan: ledger counts and rows (summed over shards)',
  scanList: 'delete scan: ids listed in small ranges (summed over shards)',
  confirm: 'deletes confirmed by realtime reads (wall)',
  deleteApply: 'deletes applied (wall)',
  recopy: 'missed captures copied again (wall)',
  after: 'after the round: positions for the lag (wall)',
  save: "state saved (wall; each round's save is summed in with the next save)",
  pause: 'wait before the next round (wall)',
  round: 'whole round, the wait before it included (wall)',
} as const;

export type Phase = keyof typeof PHASES;

/** Milliseconds per phase of one round. */
export type PhaseTimes = Partial<Record<Phase, number>>;

/** What the state keeps: rounds measured, and per phase the total and the longest, in ms. */
export interface PhaseSummary {
  rounds: number;
  totalMs: PhaseTimes;
  maxMs: PhaseTimes;
}

/** Runs `fn` and adds its elapsed time to `phase` (several calls add up: summed phases). */
export async function timed<T>(
  times: PhaseTimes | undefined,
  phase: Phase,
  fn: () => Promise<T>,
): Promise<T> {
  if (!times) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    addTime(times, phase, performance.now() - started);
  }
}

/** The synchronous form, for ledger reads (SQLite answers in the caller's thread). */
export function timedSync<T>(times: PhaseTimes | undefined, phase: Phase, fn: () => T): T {
  if (!times) return fn();
  const started = performance.now();
  try {
    return fn();
  } finally {
    addTime(times, phase, performance.now() - started);
  }
}

export function addTime(times: PhaseTimes, phase: Phase, ms: number): void {
  times[phase] = (times[phase] ?? 0) + ms;
}

export function emptyPhaseSummary(): PhaseSummary {
  return { rounds: 0, totalMs: {}, maxMs: {} };
}

export function isPhaseSummary(v: unknown): v is PhaseSummary {
  const s = v as PhaseSummary | undefined;
  return typeof s?.rounds === 'number' && typeof s.totalMs === 'object' && typeof s.maxMs === 'object';
}

export function addRound(summary: PhaseSummary, times: PhaseTimes): void {
  summary.rounds++;
  for (const [phase, ms] of Object.entries(times) as [Phase, number][]) {
    summary.totalMs[phase] = Math.round((summary.totalMs[phase] ?? 0) + ms);
    summary.maxMs[phase] = Math.round(Math.max(summary.maxMs[phase] ?? 0, ms));
  }
}

/** Time spent after a round was added (its state save): into its phase and the whole round. */
export function addLate(summary: PhaseSummary, phase: Phase, ms: number): void {
  summary.totalMs[phase] = Math.round((summary.totalMs[phase] ?? 0) + ms);
  summary.maxMs[phase] = Math.round(Math.max(summary.maxMs[phase] ?? 0, ms));
  summary.totalMs.round = Math.round((summary.totalMs.round ?? 0) + ms);
}

/** Phases on the round's own time line: their shares add up to about the whole round. */
const WALL: readonly Phase[] = [
  'positions',
  'refresh',
  'shards',
  'scan',
  'confirm',
  'deleteApply',
  'recopy',
  'after',
  'save',
  'pause',
];

/** One line for a report: rounds, their mean length, and each wall phase's share, largest first. */
export function describeRoundShares(summary: PhaseSummary): string {
  const whole = summary.totalMs.round ?? 0;
  if (summary.rounds === 0 || whole === 0) return 'no round measured';
  const shares = WALL.filter((p) => (summary.totalMs[p] ?? 0) > 0)
    .sort((a, b) => (summary.totalMs[b] ?? 0) - (summary.totalMs[a] ?? 0))
    .map((p) => `${p} ${(((summary.totalMs[p] ?? 0) / whole) * 100).toFixed(0)}%`);
  return `${summary.rounds} rounds, mean ${(whole / summary.rounds).toFixed(0)} ms: ${shares.join(', ')}`;
}

/** One line per phase: mean and longest per round, and its share of the rounds' time. */
export function describePhases(summary: PhaseSummary): string[] {
  if (summary.rounds === 0) return ['no round measured'];
  const whole = summary.totalMs.round ?? 0;
  return (Object.keys(PHASES) as Phase[])
    .filter((p) => summary.totalMs[p] !== undefined)
    .map((p) => {
      const total = summary.totalMs[p] ?? 0;
      const share =
        whole > 0 && p !== 'round' ? `, ${((total / whole) * 100).toFixed(0)}% of round time` : '';
      return `${p}: mean ${(total / summary.rounds).toFixed(0)} ms, max ${summary.maxMs[p] ?? 0} ms${share} (${PHASES[p]})`;
    });
}
