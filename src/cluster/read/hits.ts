// The shapes the copy pieces hand each other.

/** One source document, ready to be written elsewhere. */
export interface CopyHit {
  id: string;
  routing: string | undefined;
  /** The source `_version`; the copy is written with it as an external version. */
  version: number;
  seqNo: number | undefined;
  /** `_primary_term` when the search asked for it (seq_no_primary_term). */
  primaryTerm?: number | undefined;
  /** The `_source` as the server sent it (raw JSON text), passed through untouched. */
  source: string;
}

/**
 * Where a slice reader stands, for callers to persist. A point-in-time slice resumes after `searchAfter` while
 * its point-in-time is alive, and starts again when it has expired; a scroll slice that was not done always
 * starts again (a scroll cannot go back to a saved page). Starting again is safe: every copy is an
 * external-version write, so documents already there come back as skipped.
 */
export interface SliceCursor {
  slice: number;
  slices: number;
  /** Point-in-time id or scroll id, whichever this reader uses. */
  contextId: string | undefined;
  /** Sort values of the last hit handed out (point-in-time readers). */
  searchAfter: unknown[] | undefined;
  /** Hits handed out so far by this slice. */
  read: number;
  done: boolean;
}
