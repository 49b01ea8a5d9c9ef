// Documents' positions without `_source`: id, routing, `_seq_no`, `_primary_term` and `_version` of one shard, in
// `_seq_no` order. Within a shard every live document has its own `_seq_no`, so it is a cursor that a killed
// listing resumes from.
import { type ClusterClient, enc } from './client.js';
import type { SearchResponse } from './types.js';

export interface DocPosition {
  id: string;
  routing: string | null;
  seqNo: number;
  primaryTerm: number;
  version: number;
}

/** One page of shard `shard`'s documents with after < `_seq_no` <= upTo. */
export async function listPositions(
  client: ClusterClient,
  index: string,
  shard: number,
  after: number,
  upTo: number,
  size: number,
): Promise<DocPosition[]> {
  const body = await client.json<SearchResponse<never>>({
    method: 'POST',
    path: `/${enc(index)}/_search`,
    query: { preference: `_shards:${shard}` },
    body: {
      size,
      _source: false,
      version: true,
      seq_no_primary_term: true,
      track_total_hits: false,
      query: { range: { _seq_no: { gt: after, lte: upTo } } },
      sort: [{ _seq_no: 'asc' }],
    },
    idempotent: true,
    allShards: true,
    what: `list positions of ${index} shard ${shard}`,
  });
  return body.hits.hits.map((h) => ({
    id: h._id,
    routing: h._routing ?? null,
    seqNo: h._seq_no ?? -1,
    primaryTerm: h._primary_term ?? 0,
    version: h._version ?? 0,
  }));
}
