// One catch-up round: every source shard's changes up to its global checkpoint, then (when asked) the delete
// scan up to the same marks. Used by sync, by the final verification and by cleanup, so all three bring the
// destination to the same point the same way.
import type { ClusterClient } from '../cluster/client.js';
import type { ApplyResult } from './applier.js';
import { add, captureBounds, captureShard, type Marks, operationsBetween } from './capture.js';
import { findDeletes } from './deletes.js';
import type { SyncSession } from './open.js';
import { recopy } from './recopy.js';
import { type PhaseTimes, timed } from './round-timings.js';
import { type HistoryReset, resetMovedHistories } from './shard-history.js';

export interface RoundResult extends ApplyResult {
  /** Source changes read (writes). */
  changes: number;
  /** Operations between the marks before and after the round. */
  operations: number;
  /** Source deletes found (undefined when the scan did not run). */
  deletesFound: number | undefined;
  /** Source requests the delete scan sent. */
  scanRequests: number;
  /** Live source documents at or below the marks that the ledger does not know (should be 0). */
  unknownOnSource: number;
  unknownIds: string[];
  marks: Marks;
  /** Shards whose primary term or history UUID moved since the last round: read again above the safe point. */
  historyResets: HistoryReset[];
  /** Marks the delete scan covered (undefined when it did not run): deletes below them are applied. */
  scannedMarks: Marks | undefined;
  /** Where the round's time went, per phase (round-timings.ts). */
  times: PhaseTimes;
}

export interface RoundOptions {
  source: ClusterClient;
  index: string;
  sync: SyncSession;
  scanDeletes: boolean;
  onCommit?: () => void;
}

export async function catchUp(o: RoundOptions): Promise<RoundResult> {
  const times: PhaseTimes = {};
  const bounds = await captureBounds(o.source, o.index, 'globalCheckpoint', times);
  const historyResets = resetMovedHistories(o.sync.ledger, bounds.histories);
  const from = o.sync.ledger.marks();
  const to = bounds.marks;
  const result: RoundResult = {
    written: 0,
    deleted: 0,
    skipped: 0,
    conflicts: 0,
    changes: 0,
    operations: operationsBetween(from, to),
    deletesFound: undefined,
    scanRequests: 0,
    unknownOnSource: 0,
    unknownIds: [],
    marks: to,
    historyResets,
    scannedMarks: undefined,
    times,
  };
  const capture = { source: o.source, index: o.index, applier: o.sync.applier, onCommit: o.onCommit, times };
  const shardsStarted = performance.now();
  await Promise.all(
    Object.entries(to).map(async ([shard, upper]) => {
      const lower = from[Number(shard)] ?? -1;
      if (upper <= lower) return;
      const r = await captureShard(capture, Number(shard), lower, upper);
      add(result, r);
      result.changes += r.changes;
    }),
  );
  times.shards = performance.now() - shardsStarted;
  if (o.scanDeletes) {
    const scanned = o.sync.ledger.marks();
    const scan = await timed(times, 'scan', () =>
      findDeletes(o.source, o.index, o.sync.ledger, scanned, times),
    );
    result.scannedMarks = scanned;
    result.deletesFound = scan.deletes.length;
    result.scanRequests = scan.requests;
    result.unknownOnSource = scan.unknownOnSource;
    result.unknownIds = scan.unknownIds;
    if (scan.deletes.length > 0)
      add(result, await timed(times, 'deleteApply', () => o.sync.applier.apply(scan.deletes)));
    // A live source document the ledger does not know was missed: it is copied again now, and past the few
    // thousand a scan keeps, capture reads their ranges again next round.
    add(result, await timed(times, 'recopy', () => recopy(o.source, o.index, o.sync.applier, scan.unknown)));
    const back: Marks = {};
    for (const [shard, seq] of Object.entries(scan.recaptureFrom)) back[Number(shard)] = seq - 1;
    if (Object.keys(back).length > 0) o.sync.ledger.commit({ marks: back });
    o.onCommit?.();
  }
  return result;
}
