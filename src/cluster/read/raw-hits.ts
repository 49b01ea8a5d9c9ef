// Turns one raw search answer into CopyHits whose `_source` is the server's own JSON text: exact bytes (long
// integers beyond 2^53 survive) and about half the CPU of parse + re-serialise (measured: 3.5 vs 6.7 ms for a
// 400 kB page of 1000 hits). Sources are cut out with one charCodeAt pass and only the rest is parsed. When
// the two views disagree (a hit without `_source`), the full parse wins.
import type { CopyHit } from './hits.js';

export interface RawPage {
  hits: CopyHit[];
  /** Sort values of the last hit, for search_after. */
  lastSort: unknown[] | undefined;
  scrollId: string | undefined;
  pitId: string | undefined;
  /** Hits without `_source` (disabled or excluded): a document copy cannot rebuild them. */
  withoutSource: string[];
}

export interface ParsedHit {
  _id: string;
  _routing?: string;
  _version?: number;
  _seq_no?: number;
  _primary_term?: number;
  _source?: unknown;
  sort?: unknown[];
  /** mget docs only. */
  found?: boolean;
  error?: { type?: string; reason?: string };
}

interface ParsedPage {
  _scroll_id?: string;
  pit_id?: string;
  hits: { hits: ParsedHit[] };
}

export function parseRawPage(text: string): RawPage {
  const cut = cutSources(text);
  // Parsing only what is left once the sources are cut out builds no objects for document bodies at all.
  let parsed = JSON.parse(cut ? cut.skeleton : text) as ParsedPage;
  const sources = cut && cut.sources.length === parsed.hits.hits.length ? cut.sources : undefined;
  if (cut && !sources) parsed = JSON.parse(text) as ParsedPage;
  const hits = parsed.hits.hits;
  const out: CopyHit[] = [];
  const withoutSource: string[] = [];
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    const source = sources ? sources[i] : hit._source === undefined ? undefined : JSON.stringify(hit._source);
    if (source === undefined) {
      withoutSource.push(hit._id);
      continue;
    }
    out.push({
      id: hit._id,
      routing: hit._routing,
      version: hit._version ?? 1,
      seqNo: hit._seq_no,
      primaryTerm: hit._primary_term,
      source,
    });
  }
  return {
    hits: out,
    lastSort: hits.at(-1)?.sort,
    scrollId: parsed._scroll_id,
    pitId: parsed.pit_id,
    withoutSource,
  };
}

/**
 * The raw text of each `_source`, in order, and the answer with each replaced by 0. Undefined when a value
 * is not an object, so the caller falls back to a full parse; a hit without `_source` shows as a count
 * mismatch, which also falls back.
 */
export function cutSources(text: string): { sources: string[]; skeleton: string } | undefined {
  const sources: string[] = [];
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const key = text.indexOf(SOURCE_KEY, from);
    if (key < 0) break;
    const start = key + SOURCE_KEY.length;
    const end = endOfObject(text, start);
    if (end < 0) return undefined;
    sources.push(text.slice(start, end));
    parts.push(text.slice(from, start), '0');
    from = end;
  }
  parts.push(text.slice(from));
  return { sources, skeleton: parts.join('') };
}

/** The raw text of each hit's `_source`, in order, or undefined when the count does not match. */
export function sliceSources(text: string, expected: number): string[] | undefined {
  const sources = cutSources(text)?.sources;
  return sources?.length === expected ? sources : undefined;
}

const SOURCE_KEY = '"_source":';

/** Index just past the object starting at `start`, or -1 when it is not an object. */
export function endOfObject(text: string, start: number): number {
  if (text.charCodeAt(start) !== 123 /* { */) return -1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123) {
      depth++;
    } else if (c === 125 /* } */ && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

/** One hit's fields other than `_source`, and its `_source` as the server's own text (undefined without one). */
export interface SplitHit {
  meta: ParsedHit;
  source: string | undefined;
}

/** Splits the raw JSON of one hit (or mget doc) into its fields and the raw text of its `_source`. */
export function splitHit(text: string): SplitHit {
  const cut = cutSources(text);
  if (cut && cut.sources.length <= 1) {
    const meta = JSON.parse(cut.skeleton) as ParsedHit & { _source?: unknown };
    if (cut.sources.length === 0 ? meta._source === undefined : meta._source === 0) {
      delete meta._source;
      return { meta, source: cut.sources[0] };
    }
  }
  // `_source` that is not an object (or a key the cut did not see): the full parse decides.
  const meta = JSON.parse(text) as ParsedHit;
  const source = meta._source === undefined ? undefined : JSON.stringify(meta._source);
  delete meta._source;
  return { meta, source };
}

/** A CopyHit from one split hit, or undefined when it has no `_source`. */
export function toCopyHit({ meta, source }: SplitHit): CopyHit | undefined {
  if (source === undefined) return undefined;
  return {
    id: meta._id,
    routing: meta._routing,
    version: meta._version ?? 1,
    seqNo: meta._seq_no,
    primaryTerm: meta._primary_term,
    source,
  };
}
