// Shapes of the server answers Ferry reads. Only the fields Ferry uses are typed.

export interface SearchHit<S = Record<string, unknown>> {
  _index: string;
  _id: string;
  _routing?: string;
  _version?: number;
  _seq_no?: number;
  _primary_term?: number;
  _source?: S;
  sort?: unknown[];
  fields?: Record<string, unknown[]>;
}

export interface SearchResponse<S = Record<string, unknown>> {
  took: number;
  timed_out: boolean;
  _scroll_id?: string;
  pit_id?: string;
  _shards: { total: number; successful: number; failed: number };
  hits: { total?: { value: number; relation: string } | number; hits: SearchHit<S>[] };
  aggregations?: Record<string, { buckets?: { key: string | number; doc_count: number }[] }>;
}

/** One document of an `_mget` answer, without its `_source`. */
export interface MgetDoc {
  id: string;
  found: boolean;
  seqNo: number | undefined;
  primaryTerm: number | undefined;
  version: number | undefined;
  /** An item error (e.g. a shard not available): the document's state is unknown, never "not found". */
  error: { type: string; reason: string } | undefined;
}

/** One document of an `_mget` answer, `_source` included when asked for. */
export interface MgetHit
  extends Pick<
    SearchHit<unknown>,
    '_id' | '_routing' | '_version' | '_seq_no' | '_primary_term' | '_source'
  > {
  found: boolean;
  /** An item error (e.g. routing required): the document's state is unknown, never "not found". */
  error: { type: string; reason: string } | undefined;
}

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkItemResult {
  _index: string;
  _id: string;
  status: number;
  _version?: number;
  _seq_no?: number;
  _primary_term?: number;
  result?: string;
  error?: { type: string; reason: string };
}

export interface BulkResponse {
  took: number;
  errors: boolean;
  items: Partial<Record<BulkAction, BulkItemResult>>[];
}

export interface ShardSeqNoStats {
  shard: number;
  primary: boolean;
  maxSeqNo: number;
  localCheckpoint: number;
  globalCheckpoint: number;
  docs: number;
  /** Node id holding this copy. */
  node: string;
}

export interface IndexDefinition {
  settings: { index: Record<string, unknown> };
  mappings: Record<string, unknown>;
  aliases: Record<string, unknown>;
}
