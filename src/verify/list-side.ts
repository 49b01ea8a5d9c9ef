// Lists every document of one index as DocRecords, shard by shard, in `_doc` order through a scroll.
// Why shards and `_doc`: it needs no sort on `_id` (Elasticsearch 8+ refuses one), it is the cheapest order
// for the server, and a per-shard `_seq_no` range is how `--since` picks the documents changed on that shard.
// Why scroll and not point-in-time: it is the one read context every engine and version has.
import type { ClusterClient } from '../cluster/client.js';
import { clearScroll, nextScrollPage, openScroll } from '../cluster/read-context.js';
import type { Sleep } from '../cluster/retry.js';
import { type RawHit, toRecord } from './hits.js';
import { lookupRecords } from './lookup.js';
import { inSample } from './partition.js';
import type { DocRecord, ShardCheckpoints } from './types.js';

export interface ListSideOptions {
  client: ClusterClient;
  index: string;
  deep: boolean;
  sample: number;
  /** Only documents above these per-shard `_seq_no` values (source side of `--since`). */
  since?: ShardCheckpoints | undefined;
  concurrency: number;
  pageSize: number;
  /** Waits out a busy server between scroll attempts. */
  sleep?: Sleep | undefined;
  /** Receives each page; the listing waits for it, which is the backpressure. */
  onPage(records: DocRecord[], listed: number): Promise<void>;
}

const KEEP_ALIVE = '5m';

export async function primaryShardCount(client: ClusterClient, index: string): Promise<number> {
  const settings = await client.getIndexSettings(index);
  return Number(settings['index.number_of_shards'] ?? 1);
}

/** Lists all shards, `concurrency` at a time; returns how many documents were listed (before sampling). */
export async function listSide(options: ListSideOptions): Promise<number> {
  const shards = await primaryShardCount(options.client, options.index);
  let next = 0;
  let listed = 0;
  const worker = async () => {
    for (let shard = next++; shard < shards; shard = next++) {
      // Not `listed += await ...`: that reads `listed` before the await and loses the other workers' counts.
      const n = await listShard(options, shard);
      listed += n;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, shards)) }, worker));
  return listed;
}

async function listShard(options: ListSideOptions, shard: number): Promise<number> {
  const { client, index } = options;
  const checkpoint = options.since?.[shard];
  const body = {
    size: options.pageSize,
    sort: ['_doc'],
    _source: options.deep && !sourcesLater(options),
    version: true,
    seq_no_primary_term: true,
    query: checkpoint === undefined ? { match_all: {} } : { range: { _seq_no: { gt: checkpoint } } },
  };
  const scroll = {
    keepAlive: KEEP_ALIVE,
    preference: `_shards:${shard}`,
    what: `list shard ${shard} of ${index}`,
  };
  let page = await openScroll<unknown>(client, index, body, scroll);
  let listed = 0;
  try {
    while (page.hits.length > 0) {
      listed += page.hits.length;
      await options.onPage(await pageRecords(options, page.hits), page.hits.length);
      if (!page.scrollId) break;
      page = await nextScrollPage<unknown>(client, page.scrollId, scroll, options.sleep);
    }
  } finally {
    if (page.scrollId) await clearScroll(client, page.scrollId);
  }
  return listed;
}

/**
 * Deep and sampled: `_source` of the sampled documents only, fetched by id, so a 1% sample of an index of
 * large documents moves 1% of its bytes. A document deleted in between is left out; the re-check sorts it out.
 */
function sourcesLater(options: ListSideOptions): boolean {
  return options.deep && options.sample < 1;
}

async function pageRecords(options: ListSideOptions, hits: readonly RawHit[]): Promise<DocRecord[]> {
  const sampled = hits.filter((hit) => inSample(hit._id, options.sample));
  if (!sourcesLater(options)) return sampled.map((hit) => toRecord(hit, options.deep));
  const keys = sampled.map((hit) => ({ id: hit._id, routing: hit._routing }));
  const records = await lookupRecords(options.client, options.index, keys, true);
  return records.filter((r): r is DocRecord => r !== undefined);
}
