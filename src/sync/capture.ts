// Change capture by `_seq_no`: on each source shard, the documents whose `_seq_no` lies above the shard's mark
// are exactly the ones written since (every write gives the document a new `_seq_no`). A round reads up to
// the shard's global checkpoint: operations at or below it are on every in-sync copy, so a replica answering
// the search has them, and a failover can never roll them back (both engines' own cross-cluster replication
// stop there for the same reason). Deletes leave no document to find; deletes.ts finds those.
import type { ClusterClient } from '../cluster/client.js';
import { type PrimaryPosition, primaryPositions } from '../cluster/primary-positions.js';
import { copyHitBatches } from '../cluster/read/hit-batches.js';
import type { CopyHit } from '../cluster/read/hits.js';
import { BATCH_BYTES, PageSizer } from '../cluster/read/page-sizer.js';
import { searchStream } from '../cluster/read/read-context.js';
import type { Applier, ApplyResult, SourceChange } from './applier.js';
import type { ShardHistory } from './ledger.js';
import { addTime, type PhaseTimes, timed } from './round-timings.js';

/** Per source shard number, a `_seq_no`. */
export type Marks = Record<number, number>;

export type ShardPosition = PrimaryPosition;

/** The primaries' positions, read from their own nodes (a frozen replica's node cannot hold the read up). */
export function shardPositions(client: ClusterClient, index: string): Promise<ShardPosition[]> {
  return primaryPositions(client, index);
}

/**
 * Which checkpoint bounds a round. Only `globalCheckpoint` is safe; `localCheckpointForTests` is the old bound,
 * kept so a test can show what it loses when a replica lags (test/sync/capture-bound.multinode.test.ts).
 */
export type CaptureBound = 'globalCheckpoint' | 'localCheckpointForTests';

export interface CaptureBounds {
  marks: Marks;
  /** Each shard's primary term and history UUID when the bounds were read. */
  histories: Record<number, ShardHistory>;
}

/** Reads each shard's global checkpoint, then refreshes, so everything at or below it is searchable. */
export async function captureBounds(
  client: ClusterClient,
  index: string,
  bound: CaptureBound = 'globalCheckpoint',
  times?: PhaseTimes,
): Promise<CaptureBounds> {
  const positions = await timed(times, 'positions', () => shardPositions(client, index));
  await timed(times, 'refresh', () => client.refresh(index));
  const out: CaptureBounds = { marks: {}, histories: {} };
  for (const p of positions) {
    out.marks[p.shard] = bound === 'globalCheckpoint' ? p.globalCheckpoint : p.localCheckpoint;
    out.histories[p.shard] = { primaryTerm: p.primaryTerm, historyUuid: p.historyUuid };
  }
  return out;
}

/** Operations between two sets of marks: the lag in operations (deletes included). */
export function operationsBetween(from: Marks, to: Marks): number {
  return Object.entries(to).reduce(
    (sum, [shard, mark]) => sum + Math.max(0, mark - (from[Number(shard)] ?? -1)),
    0,
  );
}

const PAGE = 1000;

/**
 * Batches of documents of one shard with from < _seq_no <= to, in `_seq_no` order, sources as raw JSON. Pages
 * follow their bytes (PageSizer) and are read in batches bounded by bytes, so large documents are never held
 * a page at a time; each batch ends on a `_seq_no` that a mark may move to.
 */
export async function* changedPages(
  client: ClusterClient,
  index: string,
  shard: number,
  from: number,
  to: number,
  copyForTests?: string,
): AsyncGenerator<CopyHit[]> {
  let after = from;
  const sizer = new PageSizer(PAGE);
  while (after < to) {
    const size = sizer.next();
    const answer = searchStream(
      client,
      index,
      {
        size,
        version: true,
        seq_no_primary_term: true,
        query: { range: { _seq_no: { gt: after, lte: to } } },
        sort: [{ _seq_no: 'asc' }],
      },
      {
        batchBytes: BATCH_BYTES,
        query: { preference: `_shards:${shard}${copyForTests ? `|${copyForTests}` : ''}` },
      },
    );
    let count = 0;
    let bytes = 0;
    for await (const batch of copyHitBatches(answer)) {
      if (batch.withoutSource.length > 0)
        throw new Error(
          `${batch.withoutSource.length} changed document(s) on shard ${shard} have no _source (e.g. ${batch.withoutSource[0]}); a document copy cannot carry them`,
        );
      count += batch.hits.length;
      bytes += batch.bytes;
      if (batch.hits.length === 0) continue;
      yield batch.hits;
      after = batch.hits.at(-1)?.seqNo ?? to;
    }
    if (count === 0) return;
    sizer.observe(count, bytes);
  }
}

export function toChange(hit: CopyHit, shard: number): SourceChange {
  return {
    kind: 'write',
    id: hit.id,
    routing: hit.routing,
    shard,
    seqNo: hit.seqNo ?? -1,
    version: hit.version,
    source: hit.source,
  };
}

export interface CaptureOptions {
  source: ClusterClient;
  index: string;
  applier: Applier;
  /** Called after each durable ledger commit (kill tests hook in here). */
  onCommit?: () => void;
  /** Test seam: which copy answers (a preference such as `_only_nodes:<id>`); the server picks otherwise. */
  copyForTests?: string;
  /** Where the round's time goes (source reads and applier time are added here). */
  times?: PhaseTimes;
}

/** Applies one shard's changes in (from, to]; the mark moves with each page's ledger commit. */
export async function captureShard(
  o: CaptureOptions,
  shard: number,
  from: number,
  to: number,
): Promise<ApplyResult & { changes: number; occupied: number }> {
  // `occupied`: the window's `_seq_no`s that hold a document, each counted once even if a page were read twice.
  const total = { written: 0, deleted: 0, skipped: 0, conflicts: 0, changes: 0, occupied: 0 };
  let highest = from;
  const pages = changedPages(o.source, o.index, shard, from, to, o.copyForTests);
  for (;;) {
    const read = performance.now();
    const next = await pages.next();
    if (o.times) addTime(o.times, 'captureRead', performance.now() - read);
    if (next.done) break;
    const page = next.value;
    const last = page.at(-1)?.seqNo ?? to;
    const changes = page.map((h) => toChange(h, shard));
    add(total, await timed(o.times, 'captureApply', () => o.applier.apply(changes, { [shard]: last })));
    total.changes += page.length;
    for (const hit of page)
      if (hit.seqNo !== undefined && hit.seqNo > highest && hit.seqNo <= to) {
        total.occupied++;
        highest = hit.seqNo;
      }
    o.onCommit?.();
  }
  // Nothing above the last page up to `to` is left (those operations were deletes or overwritten since).
  await timed(o.times, 'captureApply', () => o.applier.apply([], { [shard]: to }));
  return total;
}

export function add(into: ApplyResult, r: ApplyResult): void {
  into.written += r.written;
  into.deleted += r.deleted;
  into.skipped += r.skipped;
  into.conflicts += r.conflicts;
}
