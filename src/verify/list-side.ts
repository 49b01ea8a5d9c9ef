// Lists every document of one index as DocRecords, shard by shard, in `_doc` order through a scroll.
// Why shards and `_doc`: it needs no sort on `_id` (Elasticsearch 8+ refuses one), it is the cheapest order
// for the server, and a per-shard `_seq_no` range is how `--since` picks the documents changed on that shard.
// Why scroll and not point-in-time: it is the one read context every engine and version has.

import type { ClusterClient } from '../cluster/client.js';
import { ResponseError } from '../cluster/errors.js';
import { storedBytesPerDoc } from '../cluster/indices.js';
import type { AnswerBatch } from '../cluster/read/answer-stream.js';
import { BATCH_BYTES, scrollPageSize } from '../cluster/read/page-sizer.js';
import { clearScroll, scrollStream, searchStream } from '../cluster/read/read-context.js';
import { backoffDelay, type RetryPolicy } from '../cluster/retry.js';
import { realSleep, type Sleep } from '../core/time.js';
import { type ElementRecord, elementRecord } from './hits.js';
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
  // With `_source`, a page of a thousand 20 MB documents would be 20 GB for the server to build and send.
  const pageSize = withSources(options)
    ? scrollPageSize(options.pageSize, await storedBytesPerDoc(options.client, options.index))
    : options.pageSize;
  let next = 0;
  let listed = 0;
  const worker = async () => {
    for (let shard = next++; shard < shards; shard = next++) {
      // Not `listed += await ...`: that reads `listed` before the await and loses the other workers' counts.
      const n = await listShard(options, shard, pageSize);
      listed += n;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, shards)) }, worker));
  return listed;
}

async function listShard(options: ListSideOptions, shard: number, pageSize: number): Promise<number> {
  const { client, index } = options;
  const checkpoint = options.since?.[shard];
  const body = {
    size: pageSize,
    sort: ['_doc'],
    _source: withSources(options),
    version: true,
    seq_no_primary_term: true,
    query: checkpoint === undefined ? { match_all: {} } : { range: { _seq_no: { gt: checkpoint } } },
  };
  const stream = { batchBytes: BATCH_BYTES };
  let scrollId: string | undefined;
  let listed = 0;
  try {
    for (;;) {
      const id = scrollId;
      const answer = () =>
        id === undefined
          ? searchStream(client, index, body, {
              ...stream,
              query: { scroll: KEEP_ALIVE, preference: `_shards:${shard}` },
            })
          : scrollStream(client, id, KEEP_ALIVE, stream);
      let count = 0;
      for await (const batch of withBusyRetry(answer, options.sleep)) {
        count += batch.elements.length;
        scrollId = batch.end?.scrollId ?? scrollId;
        if (batch.elements.length === 0) continue;
        listed += batch.elements.length;
        const hits = batch.elements.map((e) => elementRecord(e, withSources(options)));
        await options.onPage(await pageRecords(options, hits), batch.elements.length);
      }
      if (count === 0 || !scrollId) break;
    }
  } finally {
    if (scrollId) await clearScroll(client, scrollId);
  }
  return listed;
}

const BUSY_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * A busy refusal (429) of a scroll page comes before any of its hits and means the server did not run it, so
 * it is sent again after a backoff: a busy cluster slows the listing down instead of failing it. Anything
 * else, or a failure once hits were handed out, is thrown.
 */
async function* withBusyRetry(
  answer: () => AsyncGenerator<AnswerBatch>,
  sleep: Sleep = realSleep,
): AsyncGenerator<AnswerBatch> {
  for (let attempt = 0; ; attempt++) {
    const batches = answer();
    let first: IteratorResult<AnswerBatch>;
    try {
      first = await batches.next();
    } catch (error) {
      if (!(error instanceof ResponseError && error.retryable) || attempt + 1 >= BUSY_RETRY.attempts)
        throw error;
      await sleep(backoffDelay(BUSY_RETRY, attempt));
      continue;
    }
    if (first.done) return;
    yield first.value;
    yield* batches;
    return;
  }
}

/** Deep and not sampled: the listing itself carries every `_source`. */
function withSources(options: ListSideOptions): boolean {
  return options.deep && !sourcesLater(options);
}

/**
 * Deep and sampled: `_source` of the sampled documents only, fetched by id, so a 1% sample of an index of
 * large documents moves 1% of its bytes. A document deleted in between is left out; the re-check sorts it out.
 */
function sourcesLater(options: ListSideOptions): boolean {
  return options.deep && options.sample < 1;
}

async function pageRecords(options: ListSideOptions, hits: readonly ElementRecord[]): Promise<DocRecord[]> {
  const sampled = hits.filter((hit) => inSample(hit.record.id, options.sample));
  if (!sourcesLater(options)) return sampled.map((hit) => hit.record);
  const keys = sampled.map((hit) => ({ id: hit.record.id, routing: hit.record.routing }));
  const records = await lookupRecords(options.client, options.index, keys, true);
  return records.filter((r): r is DocRecord => r !== undefined);
}
