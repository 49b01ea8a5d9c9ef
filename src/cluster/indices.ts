// Facts about one index name that preflight reads: what it resolves to, its size on disk, its ids' length.
import { type ClusterClient, enc } from './client.js';

/** The concrete indices a name (index, alias or pattern) resolves to; undefined when nothing has that name. */
export async function resolveIndexNames(client: ClusterClient, name: string): Promise<string[] | undefined> {
  const res = await client.request<Record<string, unknown>>({
    method: 'GET',
    path: `/${enc(name)}`,
    okStatuses: [404],
    what: `read index ${name}`,
  });
  return res.status === 404 ? undefined : Object.keys(res.body);
}

/** Bytes on disk of every copy (primaries and replicas) of an index. */
export async function storeSizeBytes(client: ClusterClient, index: string): Promise<number> {
  const body = await client.json<{ _all: { total: { store: { size_in_bytes: number } } } }>({
    method: 'GET',
    path: `/${enc(index)}/_stats/store`,
    what: `read size of ${index}`,
  });
  return body._all.total.store.size_in_bytes;
}

/**
 * Stored bytes per document of an index's primaries: what a scroll, whose page size is fixed when it opens,
 * is sized from. Stored `_source` is compressed, so this is below the JSON each document is sent as.
 */
export async function storedBytesPerDoc(client: ClusterClient, index: string): Promise<number> {
  const body = await client.json<{
    _all: { primaries: { store?: { size_in_bytes: number }; docs?: { count: number } } };
  }>({
    method: 'GET',
    path: `/${enc(index)}/_stats/store,docs`,
    what: `read size of ${index}`,
  });
  const { store, docs } = body._all.primaries;
  return (store?.size_in_bytes ?? 0) / Math.max(1, docs?.count ?? 0);
}

/** Mean UTF-8 length of the ids of up to `sample` documents (undefined when the index is empty). */
export async function meanIdBytes(
  client: ClusterClient,
  index: string,
  sample: number,
): Promise<number | undefined> {
  const answer = await client.json<{ hits?: { hits?: { _id: string }[] } }>({
    method: 'POST',
    path: `/${enc(index)}/_search`,
    query: { filter_path: 'hits.hits._id' },
    body: { size: sample, _source: false, track_total_hits: false },
    idempotent: true,
    what: `sample ids of ${index}`,
  });
  const ids = answer.hits?.hits ?? [];
  if (ids.length === 0) return undefined;
  return ids.reduce((n, h) => n + Buffer.byteLength(h._id), 0) / ids.length;
}
