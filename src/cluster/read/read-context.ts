// Server-side read contexts for long sliced reads: point-in-time where the engine has one, scroll otherwise.
// Elasticsearch and OpenSearch spell point-in-time differently; every difference is answered here.

import { realSleep, type Sleep } from '../../core/time.js';
import type { ClusterClient } from '../client.js';
import { enc } from '../client.js';
import { ResponseError } from '../errors.js';
import { backoffDelay, type RetryPolicy } from '../retry.js';
import type { SearchHit, SearchResponse } from '../types.js';
import { type AnswerBatch, type AnswerStreamOptions, answerBatches } from './answer-stream.js';

/**
 * - `es-pit`: Elasticsearch 7.10+ with X-Pack (`POST idx/_pit`), sorts on `_shard_doc`.
 * - `os-pit`: OpenSearch 2.4+ (`POST idx/_search/point_in_time`); it has no `_shard_doc`, so a slice must
 *   stay on one shard (slices >= shards) for `_doc` to be a unique sort key within it.
 * - `scroll`: everything else (including Elasticsearch OSS builds, which lack point-in-time).
 */
export type ReadContextKind = 'es-pit' | 'os-pit' | 'scroll';

export async function detectReadContext(client: ClusterClient): Promise<ReadContextKind> {
  const { distribution, major, minor } = client.engine;
  if (distribution === 'opensearch') return major > 2 || (major === 2 && minor >= 4) ? 'os-pit' : 'scroll';
  if (major < 7 || (major === 7 && minor < 10)) return 'scroll';
  // From 8.0 point-in-time is part of every build (the test bed's reduced 8/9 nodes answer /_xpack with a 500).
  if (major >= 8) return 'es-pit';
  // Point-in-time is an X-Pack feature in 7.x; the OSS build answers GET /_xpack with an error.
  const { status } = await client.request({
    method: 'GET',
    path: '/_xpack',
    okStatuses: [400, 404, 405],
    what: 'detect point-in-time support',
  });
  return status === 200 ? 'es-pit' : 'scroll';
}

/**
 * Point-in-time contexts this process has open, so an interrupted run can close them instead of leaving them
 * to hold segments on the source until their keep-alive runs out.
 */
const openContexts = new Map<string, { client: ClusterClient; kind: 'es-pit' | 'os-pit' }>();

/** Set once the process is stopping: a context opened after that is closed as soon as the server answers. */
let stopping = false;

/**
 * Closes every point-in-time this process still has open (best effort, each at most once), and any opened
 * later by steps still unwinding.
 */
export async function closeOpenPointsInTime(): Promise<number> {
  stopping = true;
  const open = [...openContexts.entries()];
  openContexts.clear();
  await Promise.all(open.map(([id, c]) => closePointInTime(c.client, c.kind, id).catch(() => undefined)));
  return open.length;
}

export async function openPointInTime(
  client: ClusterClient,
  kind: 'es-pit' | 'os-pit',
  index: string,
  keepAlive: string,
): Promise<string> {
  if (kind === 'es-pit') {
    const body = await client.json<{ id: string }>({
      method: 'POST',
      path: `/${enc(index)}/_pit`,
      query: { keep_alive: keepAlive },
      idempotent: true,
      what: `open point-in-time on ${index}`,
    });
    return remember(client, kind, body.id);
  }
  const body = await client.json<{ pit_id: string }>({
    method: 'POST',
    path: `/${enc(index)}/_search/point_in_time`,
    query: { keep_alive: keepAlive },
    idempotent: true,
    // A point-in-time opened without a shard would read that shard as empty.
    allShards: true,
    what: `open point-in-time on ${index}`,
  });
  return body.pit_id;
}

function remember(client: ClusterClient, kind: 'es-pit' | 'os-pit', id: string): string {
  openContexts.set(id, { client, kind });
  if (stopping) void closeOpenPointsInTime();
  return id;
}

/** Closing is best effort by design: an expired context is already gone, which is what we wanted. */
export async function closePointInTime(
  client: ClusterClient,
  kind: 'es-pit' | 'os-pit',
  id: string,
): Promise<void> {
  const what = 'close point-in-time';
  openContexts.delete(id);
  if (kind === 'es-pit') {
    await client.request({ method: 'DELETE', path: '/_pit', body: { id }, okStatuses: [404], what });
  } else {
    await client.request({
      method: 'DELETE',
      path: '/_search/point_in_time',
      body: { pit_id: [id] },
      okStatuses: [404],
      what,
    });
  }
}

/** The sort that makes `search_after` walk a point-in-time slice without gaps or repeats. */
export function pointInTimeSort(kind: 'es-pit' | 'os-pit'): string[] {
  return kind === 'es-pit' ? ['_shard_doc'] : ['_doc'];
}

export async function clearScroll(client: ClusterClient, scrollId: string): Promise<void> {
  await client.request({
    method: 'DELETE',
    path: '/_search/scroll',
    body: { scroll_id: [scrollId] },
    okStatuses: [404],
    what: 'clear scroll',
  });
}

/** One page of a search as raw text, so hot paths can pass `_source` through without re-serialising it. */
export async function searchRaw(
  client: ClusterClient,
  index: string | undefined,
  body: unknown,
  query?: Record<string, string | number | boolean>,
): Promise<string> {
  const res = await client.request<string>({
    method: 'POST',
    path: index ? `/${enc(index)}/_search` : '/_search',
    body,
    query,
    idempotent: true,
    raw: true,
    allShards: true,
    what: `search ${index ?? 'point-in-time'}`,
  });
  return res.body;
}

/** One page of a search, read as it arrives in batches of raw hits bounded by bytes (answer-stream.ts). */
export function searchStream(
  client: ClusterClient,
  index: string | undefined,
  body: unknown,
  o: AnswerStreamOptions & {
    query?: Record<string, string | number | boolean> | undefined;
    /** false: the caller retries itself (a reader that answers a busy source by reading less). */
    retry?: boolean;
  },
): AsyncGenerator<AnswerBatch> {
  return answerBatches(
    client,
    {
      method: 'POST',
      path: index ? `/${enc(index)}/_search` : '/_search',
      body,
      query: o.query,
      idempotent: o.retry !== false,
      allShards: true,
      what: `search ${index ?? 'point-in-time'}`,
    },
    'hits',
    o,
  );
}

/**
 * The next page of a scroll, in batches as searchStream. Not sent again on a broken connection (a lost answer
 * would skip a page); a busy refusal (429) comes before any hit, so the caller may send it again.
 */
export function scrollStream(
  client: ClusterClient,
  scrollId: string,
  keepAlive: string,
  o: AnswerStreamOptions,
): AsyncGenerator<AnswerBatch> {
  return answerBatches(
    client,
    {
      method: 'POST',
      path: '/_search/scroll',
      body: { scroll: keepAlive, scroll_id: scrollId },
      idempotent: false,
      allShards: true,
      what: 'scroll',
    },
    'hits',
    o,
  );
}

export async function scrollRaw(client: ClusterClient, scrollId: string, keepAlive: string): Promise<string> {
  const res = await client.request<string>({
    method: 'POST',
    path: '/_search/scroll',
    body: { scroll: keepAlive, scroll_id: scrollId },
    // A scroll page is not safe to resend: a lost answer would skip a page, so it is never retried blindly.
    idempotent: false,
    raw: true,
    allShards: true,
    what: 'scroll',
  });
  return res.body;
}

/** One page of a scroll: its hits, and the id to ask for the next page with. */
export interface ScrollPage<S> {
  scrollId: string | undefined;
  hits: SearchHit<S>[];
}

export interface ScrollOptions {
  keepAlive: string;
  /** e.g. `_shards:3`, to read one shard. */
  preference?: string | undefined;
  what: string;
}

/** Opens a scroll over an index and returns its first page. */
export async function openScroll<S>(
  client: ClusterClient,
  index: string,
  body: unknown,
  options: ScrollOptions,
): Promise<ScrollPage<S>> {
  const page = await client.json<SearchResponse<S>>({
    method: 'POST',
    path: `/${enc(index)}/_search`,
    query: { scroll: options.keepAlive, preference: options.preference },
    body,
    idempotent: true,
    what: options.what,
  });
  return { scrollId: page._scroll_id, hits: page.hits.hits };
}

const BUSY_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * A lost answer would skip a page, so a scroll page is not sent again blindly (no retry on a broken
 * connection). A busy rejection (429, es_rejected_execution) means the server did not run it: that one is
 * safe to send again, after a backoff, so a busy cluster slows the read down instead of failing it.
 */
export async function nextScrollPage<S>(
  client: ClusterClient,
  scrollId: string,
  options: ScrollOptions,
  sleep: Sleep = realSleep,
): Promise<ScrollPage<S>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const page = await client.json<SearchResponse<S>>({
        method: 'POST',
        path: '/_search/scroll',
        body: { scroll: options.keepAlive, scroll_id: scrollId },
        idempotent: false,
        what: options.what,
      });
      return { scrollId: page._scroll_id ?? scrollId, hits: page.hits.hits };
    } catch (error) {
      if (!(error instanceof ResponseError && error.retryable) || attempt + 1 >= BUSY_RETRY.attempts)
        throw error;
      await sleep(backoffDelay(BUSY_RETRY, attempt));
    }
  }
}
