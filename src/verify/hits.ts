// From server answers (search hits, mget docs), read as raw JSON elements, to DocRecords. Only the hash of a
// `_source` is kept, computed from its text (sourceTextHash), so a large document is never held as objects.
import { elementText, type RawElement } from '../cluster/read/answer-stream.js';
import { type ParsedHit, splitHit } from '../cluster/read/raw-hits.js';
import { sourceTextHash } from './source-hash.js';
import type { DocRecord } from './types.js';

/** One element of an answer: its fields (without `_source`) and its record. */
export interface ElementRecord {
  meta: ParsedHit;
  record: DocRecord;
}

export function elementRecord(element: RawElement, deep: boolean): ElementRecord {
  const { meta, source } = splitHit(elementText(element));
  return {
    meta,
    record: {
      id: meta._id,
      routing: meta._routing,
      // Every engine returns _version when asked; 0 marks a server that did not, so it can never look equal to a real one.
      version: meta._version ?? 0,
      seqNo: meta._seq_no,
      primaryTerm: meta._primary_term,
      hash: deep && source !== undefined ? sourceTextHash(source) : undefined,
    },
  };
}
