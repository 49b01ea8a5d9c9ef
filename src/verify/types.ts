// The shapes verification hands around: one listed document, one difference, the options and the result.
import type { ClusterClient } from '../cluster/client.js';
import type { Progress } from '../core/progress.js';
import type { Sleep } from '../core/time.js';

/** What verification knows about one document on one side. Small on purpose: millions are spilled to disk. */
export interface DocRecord {
  id: string;
  /** `_routing` when the document was written with one; undefined means routed by id. */
  routing: string | undefined;
  version: number;
  /** `_seq_no` on its shard; differs between clusters by nature, so never compared, only reported. */
  seqNo: number | undefined;
  /** `_primary_term` of the shard copy that wrote it (with `_seq_no`, what tells one write from another). */
  primaryTerm?: number | undefined;
  /** Key-order independent hash of `_source` (deep verification only). */
  hash: string | undefined;
}

export const DIFF_CLASSES = [
  'missing',
  'extra',
  'stale',
  'newer_on_dest',
  'routing_differs',
  'content_differs',
] as const;
/** How one document differs. `in_flux` is kept apart: it kept changing while it was re-checked. */
export type DiffClass = (typeof DIFF_CLASSES)[number];

export interface Difference {
  id: string;
  class: DiffClass;
  source: DocRecord | undefined;
  dest: DocRecord | undefined;
}

/** One line of the NDJSON report. */
export interface ReportedDifference extends Difference {
  /** True when the document was still changing after every re-check: `class` is the last one seen. */
  inFlux: boolean;
}

export type VerifyLevel = 'default' | 'deep';

/** Per source shard, the `_seq_no` already verified: only documents above it are checked. */
export type ShardCheckpoints = Record<number, number>;

export interface VerifyOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  /** Defaults to the source index name. */
  destIndex?: string | undefined;
  level?: VerifyLevel | undefined;
  /** Fraction of ids (0 < f <= 1) to check, chosen by a hash of the id so both sides pick the same ones. */
  sample?: number | undefined;
  since?: ShardCheckpoints | undefined;
  /** Re-check rounds for each difference before it is reported (0 = report what the listing saw). */
  recheckRounds?: number | undefined;
  /** Pause between re-check rounds, so a document being written has time to settle. */
  recheckDelayMs?: number | undefined;
  /** NDJSON file receiving every difference; none is written when undefined. */
  outPath?: string | undefined;
  progress?: Progress | undefined;
  /** Shards listed at the same time, per side. */
  concurrency?: number | undefined;
  /** Where the spill files go (a fresh folder is made inside and removed at the end). */
  workDir?: string | undefined;
  /** Documents per spill partition: the most held in memory at once while comparing. */
  partitionTarget?: number | undefined;
  sleep?: Sleep | undefined;
  now?: (() => number) | undefined;
}

/** A difference in how the index is defined (deep only): field types, analyzers, counts. */
export interface DefinitionDifference {
  kind: 'mapping' | 'setting' | 'count';
  path: string;
  source: unknown;
  dest: unknown;
}

export interface VerifyResult {
  /** True when no document differs (in-flux documents count as differing) and no definition differs. */
  equal: boolean;
  level: VerifyLevel;
  sourceIndex: string;
  destIndex: string;
  /** Documents listed on each side (after sampling / since filtering). */
  sourceDocs: number;
  destDocs: number;
  counts: Record<DiffClass, number>;
  inFlux: number;
  /** Differences the listing saw that a fresh look found gone (the document caught up while verifying). */
  resolved: number;
  definition: DefinitionDifference[];
  /** The first few differences, for the summary; all of them are in the NDJSON file. */
  examples: ReportedDifference[];
  outPath: string | undefined;
  elapsedMs: number;
  docsPerSecond: number;
  sample: number;
  since: boolean;
}
