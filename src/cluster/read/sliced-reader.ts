// Reads one slice of an index, page by page, through a point-in-time (search_after) or a scroll. Each page
// comes with the cursor that resumes right after it.
import type { ClusterClient } from '../client.js';
import { isBusy, isRetryable, ResponseError } from '../errors.js';
import { copyHitBatches } from './hit-batches.js';
import type { CopyHit, SliceCursor } from './hits.js';
import { BATCH_BYTES, PageSizer } from './page-sizer.js';
import {
  clearScroll,
  pointInTimeSort,
  type ReadContextKind,
  scrollStream,
  searchStream,
} from './read-context.js';
import { SourcePressure } from './source-pressure.js';

export interface SliceReadOptions {
  client: ClusterClient;
  index: string;
  kind: ReadContextKind;
  /** The point-in-time every slice shares (point-in-time kinds only). */
  pitId?: string | undefined;
  slice: number;
  slices: number;
  pageSize: number;
  keepAlive: string;
  query?: unknown;
  /** Continue after this cursor instead of from the start. */
  from?: SliceCursor | undefined;
  /** Shared by the slices of one read: busy refusals and slow pages make them read less (source-pressure.ts). */
  pressure?: SourcePressure | undefined;
}

export interface SlicePage {
  hits: CopyHit[];
  /** Hits without `_source` (disabled or excluded): a document copy cannot rebuild them. */
  withoutSource: string[];
  cursor: SliceCursor;
}

/**
 * Batches of a slice, each with the cursor that resumes right after it. A page is asked for in a number of
 * documents that follows its bytes (PageSizer) and is read in batches of at most BATCH_BYTES (a larger
 * document alone), so memory is bounded by bytes whatever the documents weigh.
 */
export function readSlice(options: SliceReadOptions): AsyncGenerator<SlicePage> {
  return options.kind === 'scroll' ? readScrollSlice(options) : readPitSlice(options);
}

function baseBody(o: SliceReadOptions, size: number): Record<string, unknown> {
  const body: Record<string, unknown> = { size, version: true, seq_no_primary_term: true };
  // Counting hits costs on every page; scroll refuses to turn it off, point-in-time allows it.
  if (o.kind !== 'scroll') body.track_total_hits = false;
  if (o.query !== undefined) body.query = o.query;
  if (o.slices > 1) body.slice = { id: o.slice, max: o.slices };
  return body;
}

async function* readPitSlice(o: SliceReadOptions): AsyncGenerator<SlicePage> {
  if (o.kind === 'scroll' || !o.pitId) throw new Error('readPitSlice needs a point-in-time id');
  let cursor: SliceCursor = o.from ?? {
    slice: o.slice,
    slices: o.slices,
    contextId: o.pitId,
    searchAfter: undefined,
    read: 0,
    done: false,
  };
  const sizer = new PageSizer(o.pageSize);
  const pressure = o.pressure ?? new SourcePressure({ readers: 1 });
  let broken = 0;
  while (!cursor.done) {
    const size = pressure.pageSize(sizer.next());
    const body = {
      ...baseBody(o, size),
      pit: { id: cursor.contextId ?? o.pitId, keep_alive: o.keepAlive },
      sort: pointInTimeSort(o.kind),
    };
    if (cursor.searchAfter) Object.assign(body, { search_after: cursor.searchAfter });
    let count = 0;
    let bytes = 0;
    // A point-in-time page is the same page whenever it is asked: any retryable failure may be sent again.
    const { answer, first } = await pressure.first(() =>
      copyHitBatches(searchStream(o.client, undefined, body, { batchBytes: BATCH_BYTES, retry: false })),
    );
    try {
      for (let next = first; !next.done; next = await answer.next()) {
        const batch = next.value;
        const n = batch.hits.length + batch.withoutSource.length;
        count += n;
        bytes += batch.bytes;
        cursor = {
          ...cursor,
          contextId: batch.end?.pitId ?? cursor.contextId,
          searchAfter: batch.lastSort ?? cursor.searchAfter,
          read: cursor.read + n,
          done: batch.end !== undefined && count < size,
        };
        if (n > 0 || batch.end) yield { hits: batch.hits, withoutSource: batch.withoutSource, cursor };
      }
    } catch (error) {
      // A page that failed after part of it was handed on (a connection broken off, shards found missing at
      // its end): the next page starts right after the last hit handed on, so nothing is skipped or repeated.
      if (!isRetryable(error)) throw error;
      await pressure.backOff(error, broken++);
      continue;
    }
    broken = 0;
    sizer.observe(count, bytes);
  }
}

async function* readScrollSlice(o: SliceReadOptions): AsyncGenerator<SlicePage> {
  // A scroll resumes where the server stands, which may be pages past the last saved cursor (pages read but
  // never written): continuing it could skip documents, so a scroll slice always starts again. A scroll's page
  // size is fixed when it opens (no PageSizer here); the batches still bound what this process holds.
  let cursor: SliceCursor = {
    slice: o.slice,
    slices: o.slices,
    contextId: undefined,
    searchAfter: undefined,
    read: 0,
    done: false,
  };
  const stream = { batchBytes: BATCH_BYTES };
  const pressure = o.pressure ?? new SourcePressure({ readers: 1 });
  try {
    while (!cursor.done) {
      const scrollId = cursor.contextId;
      const { answer, first } = scrollId
        ? await pressure.first(
            () => copyHitBatches(scrollStream(o.client, scrollId, o.keepAlive, stream)),
            refusedWhole,
          )
        : await pressure.first(() =>
            copyHitBatches(
              searchStream(
                o.client,
                o.index,
                { ...baseBody(o, pressure.pageSize(o.pageSize)), sort: ['_doc'] },
                { ...stream, query: { scroll: o.keepAlive }, retry: false },
              ),
            ),
          );
      let count = 0;
      for (let next = first; !next.done; next = await answer.next()) {
        const batch = next.value;
        const n = batch.hits.length + batch.withoutSource.length;
        count += n;
        cursor = {
          ...cursor,
          contextId: batch.end?.scrollId ?? cursor.contextId,
          read: cursor.read + n,
          done: batch.end !== undefined && count === 0,
        };
        if (n > 0 || cursor.done) yield { hits: batch.hits, withoutSource: batch.withoutSource, cursor };
      }
    }
  } finally {
    // Best effort: the scroll expires on its own; a failed clear must not hide the error that ended the read.
    if (cursor.contextId) await clearScroll(o.client, cursor.contextId).catch(() => undefined);
  }
}

/**
 * A scroll page may be asked again only when the whole request was refused as busy: nothing ran, so the scroll
 * did not move. A partial answer (some shards refused) may have moved the others, and asking again would skip.
 */
function refusedWhole(error: unknown): boolean {
  return error instanceof ResponseError && isBusy(error);
}
