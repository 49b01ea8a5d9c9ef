// One catch-up round: every source shard's changes up to its global checkpoint, then (when asked) the delete
// scan up to the same marks. Used by sync, by the final verification and by cleanup, so all three bring the
// destination to the same point the same way.
import type { ClusterClient } from '../cluster/client.js';
import type { ApplyResult } from './applier.js';
import { add, captureBounds, captureShard, type Marks, operationsBetween } from './capture.js';
import { type DeleteScan, finishScan, type ScanRun, scanShard, startScan } from './deletes.js';
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
 * Per shard, the mark up to which the shard is known to hold exactly what the ledger expects (a delete scan found
 * every count equal there, or an earlier round's skip below carried it on). Every operation takes a `_seq_no`, and
 * a delete leaves nothing visible at its own: so when the shard was clean at the round's lower mark and capture
 * found a document at every `_seq_no` of the window up to the new mark, no operation of the window was a delete
 * (nor an overwrite of a document written in it) and the shard is still clean: its scan is skipped, at no source
 * cost. Rounds of writes only scan nothing; a round with a delete scans the shards it touched. Kept in memory
 * only: a new process scans everything once.
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
  /** Shards whose scan found differences: clean again once each was a confirmed, applied delete. */
  const differing: number[] = [];
  const shardsStarted = performance.now();
  // Each shard is captured and then scanned for deletes up to its new mark, shards at the same time: one shard's
  // scan overlaps another's capture, and the round is as long as its slowest shard, not capture plus scan.
  await Promise.all(
    Object.entries(to).map(async ([key, upper]) => {
      const shard = Number(key);
      const lower = from[shard] ?? -1;
      // Operations of the window that left no document at their `_seq_no` (deletes among them).
      let unseen = 0;
      if (upper > lower) {
        const r = await captureShard(capture, shard, lower, upper);
        add(result, r);
        result.changes += r.changes;
        unseen = upper - lower - r.occupied;
      }
      const mark = o.sync.ledger.marks()[shard] ?? -1;
      // Carried on in rounds without a scan too (the sync step scans every --reconcile-seconds, not every round):
      // a window with a gap may hold a delete, so the shard is no longer known clean.
      const stillClean = o.quietShards?.get(shard) === lower && unseen === 0 && mark === upper;
      if (stillClean) o.quietShards?.set(shard, mark);
      else o.quietShards?.delete(shard);
      if (!scan) return;
      scanned[shard] = mark;
      if (stillClean) return;
      if (await scanShard(scan, shard, mark)) o.quietShards?.set(shard, mark);
      else differing.push(shard);
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
    let conflicts = 0;
    if (found.deletes.length > 0) {
      const applied = await timed(times, 'deleteApply', () => o.sync.applier.apply(found.deletes));
      add(result, applied);
      conflicts = applied.conflicts;
    }
    if (o.quietShards && conflicts === 0)
      for (const shard of differing)
        if (explainedByDeletes(scan, found, shard)) o.quietShards.set(shard, scanned[shard] ?? -1);
    // A live source document the ledger does not know was missed: it is copied again now, and past the few
    // thousand a scan keeps, capture reads their ranges again next round.
    add(result, await timed(times, 'recopy', () => recopy(o.source, o.index, o.sync.applier, found.unknown)));
    const back: Marks = {};
    for (const [shard, seq] of Object.entries(found.recaptureFrom)) {
      back[Number(shard)] = seq - 1;
      o.quietShards?.delete(Number(shard));
    }
    if (Object.keys(back).length > 0) o.sync.ledger.commit({ marks: back });
    o.onCommit?.();
  }
  return result;
}

/**
 * Every difference the scan found on the shard was a delete it confirmed (and the round applied): every candidate
 * gone, no source document the ledger does not know. The shard then holds what the ledger expects, as after a
 * clean scan. (The scan lists every range whose counts differed, so a delete there is always a candidate.)
 */
function explainedByDeletes(scan: ScanRun, found: DeleteScan, shard: number): boolean {
  const candidates = scan.candidates.filter((c) => c.shard === shard).length;
  const deletes = found.deletes.filter((d) => d.shard === shard).length;
  const unknown = found.unknown.some((u) => u.shard === shard) || found.recaptureFrom[shard] !== undefined;
  return candidates === deletes && !unknown;
}
