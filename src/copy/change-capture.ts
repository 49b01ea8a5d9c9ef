// Change capture by `_seq_no`: on each source shard, the documents whose _seq_no lies above the last
// watermark are exactly the ones written since (every write gives a new _seq_no). The upper bound is the
// primary's local checkpoint read before a refresh, so everything up to it is searchable and nothing above
// it is skipped for good: the next round starts where this one ended. Deletes leave no document to find;
// reconcile.ts catches those.
import type { ClusterClient } from '../cluster/client.js';
import type { SearchHit } from '../cluster/types.js';
import type { CopyHit } from './types.js';

/** Per source shard number, the highest _seq_no already copied. */
export type Watermarks = Record<number, number>;

/** Reads each primary's local checkpoint, then refreshes, so everything at or below it is searchable. */
export async function readWatermarks(client: ClusterClient, index: string): Promise<Watermarks> {
  const stats = await client.shardSeqNos(index);
  await client.refresh(index);
  const marks: Watermarks = {};
  for (const s of stats) if (s.primary) marks[s.shard] = s.localCheckpoint;
  return marks;
}

/** Operations on the source not yet copied: the lag in operations. */
export function pendingOperations(from: Watermarks, to: Watermarks): number {
  return Object.entries(to).reduce(
    (sum, [shard, mark]) => sum + Math.max(0, mark - (from[Number(shard)] ?? -1)),
    0,
  );
}

const PAGE = 1000;

/** Pages of changed documents of one shard with from < _seq_no <= to, in _seq_no order. */
export async function* changedDocuments(
  client: ClusterClient,
  index: string,
  shard: number,
  from: number,
  to: number,
): AsyncGenerator<CopyHit[]> {
  let after: number = from;
  while (after < to) {
    const res = await client.search(
      index,
      {
        size: PAGE,
        version: true,
        seq_no_primary_term: true,
        query: { range: { _seq_no: { gt: after, lte: to } } },
        sort: [{ _seq_no: 'asc' }],
      },
      { preference: `_shards:${shard}` },
    );
    const hits = res.hits.hits;
    if (hits.length === 0) return;
    yield hits.map(toCopyHit);
    after = hits[hits.length - 1]!._seq_no ?? to;
  }
}

export function toCopyHit(hit: SearchHit): CopyHit {
  return {
    id: hit._id,
    routing: hit._routing,
    version: hit._version ?? 1,
    seqNo: hit._seq_no,
    source: JSON.stringify(hit._source ?? {}),
  };
}
