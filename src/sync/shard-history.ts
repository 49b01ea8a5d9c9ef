// A shard's `_seq_no`s mean the same operations only while its history holds. A primary failover (a new primary
// term) rolls back what was above the global checkpoint and the new primary can issue those `_seq_no`s again; a
// new history UUID (a restore, a stale primary forced in) starts the shard over. Capture marks never pass the
// global checkpoint, but the backfill (and a recapture) record changes above them: when the history moves, what
// Ferry saw of the shard above the last safe point is distrusted and read again instead of trusting the mark.
import type { Marks } from './capture.js';
import type { Ledger, ShardHistory } from './ledger.js';

export interface HistoryReset {
  shard: number;
  /** The `_seq_no` at or below which nothing could change: the mark, or -1 for a new history. */
  safe: number;
  /** Ledger rows set back to it. */
  rows: number;
  reason: string;
}

/** Compares each shard's history with the one recorded; sets back the shards whose history moved. */
export function resetMovedHistories(ledger: Ledger, now: Record<number, ShardHistory>): HistoryReset[] {
  const known = ledger.histories();
  const marks: Marks = ledger.marks();
  const resets: HistoryReset[] = [];
  const unchanged: Record<number, ShardHistory> = {};
  for (const [key, h] of Object.entries(now)) {
    const shard = Number(key);
    const k = known[shard];
    const reason = !k
      ? undefined
      : k.historyUuid !== h.historyUuid
        ? `history UUID ${k.historyUuid} -> ${h.historyUuid}`
        : k.primaryTerm !== h.primaryTerm
          ? `primary term ${k.primaryTerm} -> ${h.primaryTerm}`
          : undefined;
    if (!reason) {
      unchanged[shard] = h;
      continue;
    }
    // Operations at or below a mark were at or below the global checkpoint: a failover keeps them. A new
    // history keeps nothing.
    const safe = k?.historyUuid !== h.historyUuid ? -1 : (marks[shard] ?? -1);
    resets.push({ shard, safe, rows: ledger.distrustAbove(shard, safe, h), reason });
  }
  ledger.commit({ histories: unchanged });
  return resets;
}
