// Turns one raw search answer into CopyHits whose `_source` is the server's own JSON text. Re-serialising a
// parsed `_source` costs as much as parsing it; slicing it out of the text costs a scan that walks it once
// with charCodeAt. When the two views disagree (they never should), the parsed one wins.
import type { CopyHit } from './types.js';

export interface RawPage {
  hits: CopyHit[];
  /** Sort values of the last hit, for search_after. */
  lastSort: unknown[] | undefined;
  scrollId: string | undefined;
  pitId: string | undefined;
  /** Hits without `_source` (disabled or excluded): a document copy cannot rebuild them. */
  withoutSource: string[];
}

interface ParsedHit {
  _id: string;
  _routing?: string;
  _version?: number;
  _seq_no?: number;
  _source?: unknown;
  sort?: unknown[];
}

interface ParsedPage {
  _scroll_id?: string;
  pit_id?: string;
  hits: { hits: ParsedHit[] };
}

export function parseRawPage(text: string): RawPage {
  const parsed = JSON.parse(text) as ParsedPage;
  const hits = parsed.hits.hits;
  const sources = sliceSources(text, hits.length);
  const out: CopyHit[] = [];
  const withoutSource: string[] = [];
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    if (hit._source === undefined) {
      withoutSource.push(hit._id);
      continue;
    }
    out.push({
      id: hit._id,
      routing: hit._routing,
      version: hit._version ?? 1,
      seqNo: hit._seq_no,
      source: sources?.[i] ?? JSON.stringify(hit._source),
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

const SOURCE_KEY = '"_source":';

/** The raw text of each hit's `_source`, in order, or undefined when the count does not match. */
export function sliceSources(text: string, expected: number): string[] | undefined {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const key = text.indexOf(SOURCE_KEY, from);
    if (key < 0) break;
    const start = key + SOURCE_KEY.length;
    const end = endOfObject(text, start);
    if (end < 0) return undefined;
    out.push(text.slice(start, end));
    from = end;
  }
  return out.length === expected ? out : undefined;
}

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
