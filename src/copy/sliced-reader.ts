// Reads one slice of an index, page by page, through a point-in-time (search_after) or a scroll. Each page
// comes with the cursor that resumes right after it.
import type { ClusterClient } from '../cluster/client.js';
import {
  clearScroll,
  pointInTimeSort,
  type ReadContextKind,
  scrollRaw,
  searchRaw,
} from '../cluster/read-context.js';
import { parseRawPage, type RawPage } from './raw-hits.js';
import type { SliceCursor } from './types.js';

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
}

export interface SlicePage extends RawPage {
  cursor: SliceCursor;
}

export function readSlice(options: SliceReadOptions): AsyncGenerator<SlicePage> {
  return options.kind === 'scroll' ? readScrollSlice(options) : readPitSlice(options);
}

function baseBody(o: SliceReadOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { size: o.pageSize, version: true, seq_no_primary_term: true };
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
  while (!cursor.done) {
    const body = {
      ...baseBody(o),
      pit: { id: cursor.contextId ?? o.pitId, keep_alive: o.keepAlive },
      sort: pointInTimeSort(o.kind),
    };
    if (cursor.searchAfter) Object.assign(body, { search_after: cursor.searchAfter });
    const page = parseRawPage(await searchRaw(o.client, undefined, body));
    const count = page.hits.length + page.withoutSource.length;
    cursor = {
      ...cursor,
      contextId: page.pitId ?? cursor.contextId,
      searchAfter: page.lastSort ?? cursor.searchAfter,
      read: cursor.read + count,
      done: count < o.pageSize,
    };
    yield { ...page, cursor };
  }
}

async function* readScrollSlice(o: SliceReadOptions): AsyncGenerator<SlicePage> {
  // A scroll resumes where the server stands, which may be pages past the last saved cursor (pages read but
  // never written): continuing it could skip documents, so a scroll slice always starts again.
  let cursor: SliceCursor = {
    slice: o.slice,
    slices: o.slices,
    contextId: undefined,
    searchAfter: undefined,
    read: 0,
    done: false,
  };
  try {
    while (!cursor.done) {
      const text = cursor.contextId
        ? await scrollRaw(o.client, cursor.contextId, o.keepAlive)
        : await searchRaw(o.client, o.index, { ...baseBody(o), sort: ['_doc'] }, { scroll: o.keepAlive });
      const page = parseRawPage(text);
      const count = page.hits.length + page.withoutSource.length;
      cursor = {
        ...cursor,
        contextId: page.scrollId ?? cursor.contextId,
        read: cursor.read + count,
        done: count === 0,
      };
      if (count > 0 || cursor.done) yield { ...page, cursor };
    }
  } finally {
    // Best effort: the scroll expires on its own; a failed clear must not hide the error that ended the read.
    if (cursor.contextId) await clearScroll(o.client, cursor.contextId).catch(() => undefined);
  }
}
