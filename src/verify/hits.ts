// From server answers (search hits, mget docs) to DocRecords.
import { sourceHash } from './source-hash.js';
import type { DocRecord } from './types.js';

export interface RawHit {
  _id: string;
  _routing?: string;
  _version?: number;
  _seq_no?: number;
  _primary_term?: number;
  _source?: unknown;
  found?: boolean;
}

export function toRecord(hit: RawHit, deep: boolean): DocRecord {
  return {
    id: hit._id,
    routing: hit._routing,
    // Every engine returns _version when asked; 0 marks a server that did not, so it can never look equal to a real one.
    version: hit._version ?? 0,
    seqNo: hit._seq_no,
    primaryTerm: hit._primary_term,
    hash: deep && hit._source !== undefined ? sourceHash(hit._source) : undefined,
  };
}
