// Lag in words, for `ferry status` and the final report: now, and p50/p99/max over every round, writes and
// deletes apart.
import { type LagDistribution, type LagResults, quantileMs } from '../sync/lag.js';

export function describeLagNow(lag: LagResults): string {
  const { writes, deletes, at } = lag.now;
  return `writes ${writes.ops} operations / ${seconds(writes.ageMs)}, deletes ${deletes.ops} operations not yet scanned / ${seconds(deletes.ageMs)} (at ${at})`;
}

export function describeLagDistribution(name: string, d: LagDistribution): string {
  return `${name} lag over ${d.count} rounds: p50 ${seconds(quantileMs(d, 0.5))}, p99 ${seconds(quantileMs(d, 0.99))}, max ${seconds(d.maxMs)}`;
}

/** Steady-state lag in one line: rounds after the dest first caught up. */
export function describeSteadyLag(lag: LagResults): string | undefined {
  const s = lag.steady;
  if (!s || s.writes.count === 0) return undefined;
  return `${s.writes.count} rounds after caught up: write p50 ${seconds(quantileMs(s.writes, 0.5))}, p99 ${seconds(quantileMs(s.writes, 0.99))}, max ${seconds(s.writes.maxMs)}; delete p50 ${seconds(quantileMs(s.deletes, 0.5))}, p99 ${seconds(quantileMs(s.deletes, 0.99))}, max ${seconds(s.deletes.maxMs)}`;
}

/** What the operator waited for at the switch, from the state's results (undefined before a switch finished). */
export function describeSwitchTimes(results: {
  switchToMoveMs?: unknown;
  writeBlockPauseMs?: unknown;
}): string | undefined {
  if (typeof results.switchToMoveMs !== 'number') return undefined;
  const move = `${seconds(results.switchToMoveMs)} from \`ferry switch\` to "move the clients now"`;
  return typeof results.writeBlockPauseMs === 'number'
    ? `${move}; source writes blocked ${seconds(results.writeBlockPauseMs)}`
    : move;
}

/** The catch-up after the backfill, once the dest first caught up. */
export function describeCatchUp(results: { catchUpMs?: unknown; readyAt?: unknown }): string | undefined {
  if (typeof results.catchUpMs !== 'number') return undefined;
  return `${seconds(results.catchUpMs)} from the start of change capture until caught up at ${String(results.readyAt)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
