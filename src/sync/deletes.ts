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
import { type PhaseTimes, timed, timedSync } from './round-timings.js';

/** A range whose ledger count is at most this is listed; above, it is cut into BUCKETS and counted. */
const LIST_BELOW = 16;
const BUCKETS = 16;
/** Expected documents per bucket of a shard's first level (a 2.5M-document shard: 1000 buckets of 2,500). */
const FIRST_BUCKET_DOCS = 256;
/** Ranges per aggregation request and per listing request (a bool of ranges), and ids per listing page. */
const RANGES_PER_COUNT = 1000;
const RANGES_PER_LIST = 200;
const PAGE = 2000;
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
export interface ScanRun {
  source: ClusterClient;
  index: string;
  ledger: Ledger;
  scan: DeleteScan;
  /** Ledger rows the source no longer lists: delete candidates, to be confirmed. */
  candidates: LedgerRow[];
  times: PhaseTimes | undefined;
}

/** A scan of some shards: scanShard on each (at any time, e.g. right after its capture), then finishScan. */
export function startScan(source: ClusterClient, index: string, ledger: Ledger, times?: PhaseTimes): ScanRun {
  const scan: DeleteScan = {
    deletes: [],
    requests: 0,
    unknownOnSource: 0,
    unknownIds: [],
    unknown: [],
    recaptureFrom: {},
  };
  return { source, index, ledger, scan, candidates: [], times };
}

/** The candidates of every shard scanned, confirmed gone by realtime reads of the source: the deletes. */
export async function finishScan(run: ScanRun): Promise<DeleteScan> {
  run.scan.deletes = await timed(run.times, 'confirm', () => confirmGone(run));
  return run.scan;
}

export async function findDeletes(
  source: ClusterClient,
  index: string,
  ledger: Ledger,
  marks: Marks,
  times?: PhaseTimes,
): Promise<DeleteScan> {
  const run = startScan(source, index, ledger, times);
  // Shards are scanned at the same time, as capture reads them: the scan's latency is the slowest shard's.
  await Promise.all(Object.entries(marks).map(([shard, mark]) => scanShard(run, Number(shard), mark)));
  return finishScan(run);
}

type Range = [from: number, to: number];

/**
 * One shard, level by level. The first level cuts the whole range up to the mark into buckets of about
 * FIRST_BUCKET_DOCS expected documents, all counted in one aggregation: the one request that visits every
 * document of the shard (a separate count of the whole range would visit them all once more, and under a client
 * load something is deleted in most rounds). Where the ledger expects a different number, the ranges are cut
 * into BUCKETS and counted again, down to small ranges whose ids are listed together. Requests per round grow
 * with the depth, not with the number of deletes; bytes read grow with the deletes times LIST_BELOW.
 * Returns whether every count matched (the shard holds exactly what the ledger expects).
 */
export async function scanShard(run: ScanRun, shard: number, mark: number): Promise<boolean> {
  if (mark < -1) return true;
  // Ledger counts are asked again for the ranges cut at the level before: kept for this scan.
  const counts = new Map<string, number>();
  const expected = ([from, to]: Range): number => {
    const key = `${from}:${to}`;
    let n = counts.get(key);
    if (n === undefined) {
      n = timedSync(run.times, 'scanLedger', () => run.ledger.liveCount(shard, from, to));
      counts.set(key, n);
    }
    return n;
  };
  // From -2: rows a new shard history set back to -1 (shard-history.ts) are counted too.
  const whole: Range = [-2, mark];
  let level = split(whole, Math.ceil(expected(whole) / FIRST_BUCKET_DOCS));
  const small: Range[] = [];
  let clean = true;
  while (level.length > 0) {
    const actual = await countRanges(run, shard, level);
    const differing = level.filter((range, i) => actual[i] !== expected(range));
    if (differing.length > 0) clean = false;
    level = [];
    for (const range of differing)
      if (expected(range) <= LIST_BELOW || range[1] - range[0] <= BUCKETS) small.push(range);
      else level.push(...split(range, BUCKETS));
  }
  // Ranges come out level by level; the listing pages through them in `_seq_no` order.
  small.sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < small.length; i += RANGES_PER_LIST)
    await listRanges(run, shard, small.slice(i, i + RANGES_PER_LIST));
  return clean;
}

/** (from, to] cut into `parts` ranges of equal width (at least one, at most RANGES_PER_COUNT). */
function split([from, to]: Range, parts: number): Range[] {
  const n = Math.min(RANGES_PER_COUNT, Math.max(1, parts));
  const width = Math.max(1, Math.ceil((to - from) / n));
  const out: Range[] = [];
  for (let lo = from; lo < to; lo += width) out.push([lo, Math.min(to, lo + width)]);
  return out;
}

/** Live source documents in each range (from, to], a thousand ranges per aggregation request. */
async function countRanges(run: ScanRun, shard: number, ranges: Range[]): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < ranges.length; i += RANGES_PER_COUNT) {
    const chunk = ranges.slice(i, i + RANGES_PER_COUNT);
    run.scan.requests++;
    // A range aggregation's `from` is inclusive and `to` exclusive: (lo, hi] is [lo + 1, hi + 1).
    const res = await timed(run.times, 'scanCount', () =>
      run.source.search(
        run.index,
        {
          size: 0,
          query: { range: { _seq_no: { gt: chunk[0]![0], lte: chunk.at(-1)![1] } } },
          aggs: {
            b: {
              range: {
                field: '_seq_no',
                keyed: false,
                ranges: chunk.map(([lo, hi], k) => ({ key: String(k), from: lo + 1, to: hi + 1 })),
              },
            },
          },
        },
        {
          preference: `_shards:${shard}`,
          filter_path: '_shards,timed_out,aggregations.b.buckets.key,aggregations.b.buckets.doc_count',
        },
      ),
    );
    const byKey = new Map((res.aggregations?.b?.buckets ?? []).map((b) => [String(b.key), b.doc_count]));
    counts.push(...chunk.map((_, k) => byKey.get(String(k)) ?? 0));
  }
  return counts;
}

/** Lists the ids of small ranges on the source in one paged search; ledger rows not among them are candidates. */
async function listRanges(run: ScanRun, shard: number, ranges: Range[]): Promise<void> {
  const { scan } = run;
  const present = new Map<string, number>();
  const should = ranges.map(([from, to]) => ({ range: { _seq_no: { gt: from, lte: to } } }));
  let after = ranges[0]![0];
  for (;;) {
    scan.requests++;
    const res = await timed(run.times, 'scanList', () =>
      run.source.search(
        run.index,
        {
          size: PAGE,
          _source: false,
          seq_no_primary_term: true,
          query: {
            bool: { filter: [{ range: { _seq_no: { gt: after } } }], should, minimum_should_match: 1 },
          },
          sort: [{ _seq_no: 'asc' }],
        },
        { preference: `_shards:${shard}`, filter_path: '_shards,timed_out,hits.hits._id,hits.hits._seq_no' },
      ),
    );
    const hits = res.hits?.hits ?? [];
    for (const h of hits) present.set(h._id, h._seq_no ?? after + 1);
    if (hits.length < PAGE) break;
    after = hits.at(-1)?._seq_no ?? Number.MAX_SAFE_INTEGER;
  }
  const known = timedSync(run.times, 'scanLedger', () =>
    ranges.flatMap(([from, to]) => run.ledger.liveRows(shard, from, to)),
  );
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
