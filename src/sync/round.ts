// One catch-up round: every source shard's changes up to its global checkpoint, then (when asked) the delete
// scan up to the same marks. Used by sync, by the final verification and by cleanup, so all three bring the
// destination to the same point the same way.
import type { ClusterClient } from '../cluster/client.js';
import type { ApplyResult } from './applier.js';
import { add, captureBounds, captureShard, type Marks, operationsBetween } from './capture.js';
import { finishScan, scanShard, startScan } from './deletes.js';
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
  /** Kept across the rounds of one sync step: shards a scan may skip because nothing can have been deleted. */
  quietShards?: QuietShards;
}

/**
 * Per shard, the source's max `_seq_no` when a delete scan last found it exactly as the ledger expects, with
 * every operation up to it processed (max = global checkpoint = the mark scanned). A delete takes a new `_seq_no`,
 * so while the max has not moved nothing was deleted and the shard's scan is skipped. Kept in memory only: a new
 * process scans everything once.
 */
export type QuietShards = Map<number, number>;

export async function catchUp(o: RoundOptions): Promise<RoundResult> {
  const times: PhaseTimes = {};
  const bounds = await captureBounds(o.source, o.index, 'globalCheckpoint', times);
  const historyResets = resetMovedHistories(o.sync.ledger, bounds.histories);
  for (const reset of historyResets) o.quietShards?.delete(reset.shard);
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
  const scan = o.scanDeletes ? startScan(o.source, o.index, o.sync.ledger, times) : undefined;
  const scanned: Marks = {};
  const shardsStarted = performance.now();
  // Each shard is captured and then scanned for deletes up to its new mark, shards at the same time: one shard's
  // scan overlaps another's capture, and the round is as long as its slowest shard, not capture plus scan.
  await Promise.all(
    Object.entries(to).map(async ([key, upper]) => {
      const shard = Number(key);
      const lower = from[shard] ?? -1;
      if (upper > lower) {
        const r = await captureShard(capture, shard, lower, upper);
        add(result, r);
        result.changes += r.changes;
      }
      if (!scan) return;
      const mark = o.sync.ledger.marks()[shard] ?? -1;
      scanned[shard] = mark;
      const max = bounds.max[shard];
      if (o.quietShards?.get(shard) === max && mark === max) return;
      o.quietShards?.delete(shard);
      const clean = await scanShard(scan, shard, mark);
      if (clean && max === mark) o.quietShards?.set(shard, mark);
    }),
  );
  times.shards = performance.now() - shardsStarted;
  if (scan) {
    const found = await finishScan(scan);
    result.scannedMarks = scanned;
    result.deletesFound = found.deletes.length;
    result.scanRequests = found.requests;
    result.unknownOnSource = found.unknownOnSource;
    result.unknownIds = found.unknownIds;
    if (found.deletes.length > 0)
      add(result, await timed(times, 'deleteApply', () => o.sync.applier.apply(found.deletes)));
    // A live source document the ledger does not know was missed: it is copied again now, and past the few
    // thousand a scan keeps, capture reads their ranges again next round.
    add(result, await timed(times, 'recopy', () => recopy(o.source, o.index, o.sync.applier, found.unknown)));
    const back: Marks = {};
    for (const [shard, seq] of Object.entries(found.recaptureFrom)) back[Number(shard)] = seq - 1;
    if (Object.keys(back).length > 0) o.sync.ledger.commit({ marks: back });
    o.onCommit?.();
  }
  return result;
}
