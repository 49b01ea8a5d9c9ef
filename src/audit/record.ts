// An application's record of what it wrote during a migration (the format `ferry audit --workload-report`
// reads): operation types, per-document outcomes, and the expected final state. The test workload generator
// (tools/workload) writes it; Ferry only reads it.

export const OP_TYPES = [
  'index',
  'create',
  'update',
  'scripted_update',
  'upsert',
  'delete',
  'conditional_write',
  'bulk_index',
  'bulk_update',
  'bulk_upsert',
  'bulk_scripted_update',
  'bulk_delete',
  'delete_by_query',
  'update_by_query',
] as const;

export type OpType = (typeof OP_TYPES)[number];

/** A document body as stored in `_source`. Workload docs carry `key`, `n`, `grp`, `tag` and `touched_by`. */
export type DocSource = Record<string, unknown>;

/** What the index should hold for one id after the run: its source, or null when it should be deleted. */
export type ExpectedDoc = DocSource;

/** Which cluster an operation went to: applications start on the source and move to the destination. */
export type Side = 'source' | 'dest';

/** The last successful write on one id, for audits and for the switch-over rule. */
export interface WriteRecord {
  opId: string;
  type: OpType;
  side: Side;
  /** Clock time (ms) when the client saw it succeed. */
  at: number;
}

/** One successful write on one id, in client order. */
export interface HistoryEntry extends WriteRecord {
  id: string;
  /** The expected source after the write, null for a delete. */
  source: DocSource | null;
}

/** Per operation type. Bulk types count items (documents), the by-query types count requests. */
export interface OpCounts {
  attempted: number;
  succeeded: number;
  /** Rejected by the server (4xx): not applied. */
  failed: number;
  /** No answer or a 5xx: may or may not have been applied; the ids involved are left out of comparisons. */
  ambiguous: number;
  /** Documents changed by the successful operations (for by-query types, the documents they matched). */
  docs: number;
}

export interface ClientErrorRecord {
  opId: string;
  type: OpType;
  side: Side;
  at: number;
  id: string | undefined;
  /** HTTP status, or 0 when the cluster could not be reached. */
  status: number;
  /** The server's error type, e.g. version_conflict_engine_exception. */
  errorType: string;
  ambiguous: boolean;
}

/** The server's answer for a document differed from what the model of all earlier writes predicted. */
export interface Divergence {
  opId: string;
  type: OpType;
  side: Side;
  id: string;
  predicted: DocSource | null;
  observed: DocSource | null;
}

export interface WorkloadReport {
  ops: Record<OpType, OpCounts>;
  errors: ClientErrorRecord[];
  /** id → expected source, or null for deleted; initial documents included. */
  expected: Map<string, ExpectedDoc | null>;
  /** id → the state the server reported after the last successful write (equals `expected` unless diverged). */
  observed: Map<string, DocSource | null>;
  lastOpByType: Map<string, OpType>;
  lastWrite: Map<string, WriteRecord>;
  divergences: Divergence[];
  /** Ids whose state is unknown after an ambiguous outcome; comparisons skip them. */
  uncertain: Set<string>;
  /** Operation types left out, and why (e.g. the engine has no painless). */
  disabled: { type: OpType; reason: string }[];
  /** Every successful write in client order (empty when keepHistory is false). */
  history: HistoryEntry[];
  /** Clock time of each switchTo, in order. */
  switches: number[];
  durationMs: number;
}
