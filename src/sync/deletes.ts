// Deletes found by counting, not by listing the index. A source delete removes a live `_seq_no` from its shard
// without adding one; an overwrite moves the document to a new `_seq_no`, which capture sees. So, per shard and
// up to the capture mark, the source's count of live documents equals the ledger's count of documents it
// believes live, unless something was deleted (or overwritten and not yet captured). Where the counts differ,
// the range is cut into buckets counted on both sides in one request, down to small ranges whose ids are
// listed; each candidate is confirmed by a realtime read of the source before it becomes a delete.
// `_id` refuses range and prefix queries on every engine, so `_seq_no` is the only axis to narrow on.
import type { ClusterClient } from '../cluster/client.js';
import type { SourceChange } from './applier.js';
import type { Marks } from './capture.js';
import type { Ledger, LedgerRow } from './ledger.js';

const LIST_BELOW = 2000;
const BUCKETS = 16;
const MAX_UNKNOWN = 10_000;

export interface DeleteScan {
  /** Source deletes confirmed, ready for the applier. */
  deletes: SourceChange[];
  /** Requests sent to the source by the scan (what it cost). */
  requests: number;
  /** Live source documents the ledger does not know at or below the mark: capture missed them. */
  unknownOnSource: number;
  /** A few of those ids, for the message. */
  unknownIds: string[];
  /** Those documents (at most MAX_UNKNOWN), to copy again; beyond that, capture goes back to recaptureFrom. */
  unknown: { id: string; shard: number }[];
  /** Per shard, the lowest `_seq_no` of such a document: capture goes back there (it is idempotent). */
  recaptureFrom: Record<number, number>;
}

/** What one scan works with and what it finds; passed down the narrowing as one value. */
interface ScanRun {
  source: ClusterClient;
  index: string;
  ledger: Ledger;
  scan: DeleteScan;
  /** Ledger rows the source no longer lists: delete candidates, to be confirmed. */
  candidates: LedgerRow[];
}

export async function findDeletes(
  source: ClusterClient,
  index: string,
  ledger: Ledger,
  marks: Marks,
): Promise<DeleteScan> {
  const scan: DeleteScan = {
    deletes: [],
    requests: 0,
    unknownOnSource: 0,
    unknownIds: [],
    unknown: [],
    recaptureFrom: {},
  };
  const run: ScanRun = { source, index, ledger, scan, candidates: [] };
  for (const [shard, mark] of Object.entries(marks)) await narrow(run, Number(shard), -1, mark, true);
  scan.deletes = await confirmGone(run);
  return scan;
}

/** Counts (from, to] on both sides; recurses where they differ, lists ids where the range is small. */
async function narrow(run: ScanRun, shard: number, from: number, to: number, top: boolean): Promise<void> {
  if (to <= from) return;
  const expected = run.ledger.liveCount(shard, from, to);
  if (top && (await countRange(run, shard, from, to)) === expected) return;
  if (expected <= LIST_BELOW || to - from <= BUCKETS) {
    await listRange(run, shard, from, to);
    return;
  }
  const bounds = split(from, to);
  const actual = await countBuckets(run, shard, bounds);
  for (let i = 0; i < bounds.length - 1; i++) {
    const lo = bounds[i]!;
    const hi = bounds[i + 1]!;
    if (actual[i] !== run.ledger.liveCount(shard, lo, hi)) await narrow(run, shard, lo, hi, false);
  }
}

function split(from: number, to: number): number[] {
  const width = Math.ceil((to - from) / BUCKETS);
  const bounds = [from];
  for (let b = from + width; b < to; b += width) bounds.push(b);
  bounds.push(to);
  return bounds;
}

async function countRange(run: ScanRun, shard: number, from: number, to: number): Promise<number> {
  run.scan.requests++;
  const res = await run.source.search(
    run.index,
    { size: 0, track_total_hits: true, query: { range: { _seq_no: { gt: from, lte: to } } } },
    { preference: `_shards:${shard}` },
  );
  const total = res.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

/** Live documents per bucket (bounds[i], bounds[i+1]], in one request. */
async function countBuckets(run: ScanRun, shard: number, bounds: number[]): Promise<number[]> {
  run.scan.requests++;
  // A range aggregation's `from` is inclusive and `to` exclusive: (lo, hi] is [lo + 1, hi + 1).
  const ranges = bounds
    .slice(0, -1)
    .map((lo, i) => ({ key: String(i), from: lo + 1, to: bounds[i + 1]! + 1 }));
  const res = await run.source.search(
    run.index,
    {
      size: 0,
      query: { range: { _seq_no: { gt: bounds[0], lte: bounds.at(-1) } } },
      aggs: { b: { range: { field: '_seq_no', keyed: false, ranges } } },
    },
    { preference: `_shards:${shard}` },
  );
  const byKey = new Map((res.aggregations?.b?.buckets ?? []).map((b) => [String(b.key), b.doc_count]));
  return ranges.map((r) => byKey.get(r.key) ?? 0);
}

/** Lists the ids of a small range on the source; ledger rows not among them are candidates. */
async function listRange(run: ScanRun, shard: number, from: number, to: number): Promise<void> {
  const { scan } = run;
  const present = new Map<string, number>();
  let after = from;
  for (;;) {
    scan.requests++;
    const res = await run.source.search(
      run.index,
      {
        size: LIST_BELOW,
        _source: false,
        seq_no_primary_term: true,
        query: { range: { _seq_no: { gt: after, lte: to } } },
        sort: [{ _seq_no: 'asc' }],
      },
      { preference: `_shards:${shard}` },
    );
    const hits = res.hits.hits;
    for (const h of hits) present.set(h._id, h._seq_no ?? from + 1);
    if (hits.length < LIST_BELOW) break;
    after = hits.at(-1)?._seq_no ?? to;
  }
  const known = run.ledger.liveRows(shard, from, to);
  const knownIds = new Set(known.map((r) => r.id));
  for (const r of known) if (!present.has(r.id)) run.candidates.push(r);
  for (const [id, seq] of present)
    if (!knownIds.has(id)) {
      scan.unknownOnSource++;
      if (scan.unknownIds.length < 10) scan.unknownIds.push(`${id} (shard ${shard})`);
      if (scan.unknown.length < MAX_UNKNOWN) scan.unknown.push({ id, shard });
      else scan.recaptureFrom[shard] = Math.min(scan.recaptureFrom[shard] ?? seq, seq);
    }
}

/** Realtime reads of the source: only a document the source really no longer has becomes a delete. */
async function confirmGone(run: ScanRun): Promise<SourceChange[]> {
  const gone: SourceChange[] = [];
  for (let i = 0; i < run.candidates.length; i += 500) {
    const batch = run.candidates.slice(i, i + 500);
    run.scan.requests++;
    const docs = await run.source.mgetPositions(run.index, batch);
    docs.forEach((d, k) => {
      const r = batch[k]!;
      // An item error leaves the document's state unknown: it is not a delete.
      if (!d.found && !d.error)
        gone.push({
          kind: 'delete',
          id: r.id,
          routing: r.routing ?? undefined,
          shard: r.shard,
          seqNo: r.srcSeq,
          version: r.srcVersion,
        });
    });
  }
  return gone;
}
