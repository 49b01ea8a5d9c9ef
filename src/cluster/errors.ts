// Typed cluster errors. Whether an error is worth retrying is decided by its class, set once here from the
// HTTP status and the server's error type, never later by matching message text.
import { ConfigError, FerryError } from '../core/errors.js';

/** Server error types that mean "busy, try again later" whatever the status says. */
const BUSY_ERROR_TYPES = new Set([
  'es_rejected_execution_exception',
  // OpenSearch's name for the same rejection (a full thread pool queue), seen on a bulk item with status 429.
  'rejected_execution_exception',
  'circuit_breaking_exception',
  'process_cluster_event_timeout_exception',
]);
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** The URL reaches a server, but not an Elasticsearch or OpenSearch cluster: bad input. */
export class NotASearchServerError extends ConfigError {}

/** The TLS handshake failed on a certificate (wrong or expired CA, host name, client certificate): bad input. */
export class TlsError extends ConfigError {}

/** Could not reach the cluster at all (refused, DNS, TLS, timeout): retryable. */
export class ConnectionError extends FerryError {
  readonly retryable = true;
}

/** The cluster answered with an error status. */
export class ResponseError extends FerryError {
  readonly status: number;
  /** The server's `error.type`, e.g. `index_not_found_exception`. */
  readonly errorType: string | undefined;
  readonly retryable: boolean;
  readonly body: unknown;
  constructor(args: {
    status: number;
    errorType: string | undefined;
    reason: string;
    what: string;
    body: unknown;
  }) {
    super(
      `${args.what} failed: HTTP ${args.status}${args.errorType ? ` ${args.errorType}` : ''}: ${args.reason}`,
      hintFor(args.status, args.errorType),
    );
    this.status = args.status;
    this.errorType = args.errorType;
    this.body = args.body;
    this.retryable =
      RETRYABLE_STATUSES.has(args.status) ||
      (args.errorType !== undefined && BUSY_ERROR_TYPES.has(args.errorType));
  }
}

/**
 * A search, count or scroll answered with status 200 but without every shard (a copy on a node that is down,
 * restarting or relocating), or timed out. Retryable: the same request can be answered whole a moment later.
 */
export class ShardFailureError extends FerryError {
  readonly retryable = true;
  readonly total: number;
  readonly failed: number;
  readonly timedOut: boolean;
  /** Every listed shard failure was a busy refusal (a full search queue, a circuit breaker). */
  readonly busy: boolean;
  /** Every listed shard failure was a search context the shard no longer has (a scroll cleared or expired). */
  readonly contextMissing: boolean;
  constructor(args: {
    what: string;
    total: number;
    failed: number;
    timedOut: boolean;
    firstReason: string | undefined;
    busy?: boolean;
    contextMissing?: boolean;
  }) {
    const parts = [
      args.failed > 0 ? `${args.failed} of ${args.total} shards failed` : '',
      args.timedOut ? 'the search timed out' : '',
    ].filter(Boolean);
    super(
      `${args.what}: incomplete answer, ${parts.join(' and ')}${args.firstReason ? ` (${args.firstReason})` : ''}`,
      'A shard copy did not answer; Ferry retries. If it persists, check GET _cluster/health and GET _cat/shards ' +
        'on this cluster for a node that is down or a shard that is unassigned.',
    );
    this.total = args.total;
    this.failed = args.failed;
    this.timedOut = args.timedOut;
    this.busy = args.busy ?? false;
    this.contextMissing = args.contextMissing ?? false;
  }
}

export class AuthenticationError extends ResponseError {}
/**
 * HTTP 403 from a block, not from security: an index block (index.blocks.write, the flood-stage
 * read_only_allow_delete) or a cluster block (cluster.blocks.read_only, OpenSearch's cluster.blocks.create_index,
 * which its disk monitor sets when every data node is over the high watermark). The privilege was granted.
 */
export class ClusterBlockError extends ResponseError {}
/** HTTP 413: the request body is over the cluster's http.max_content_length. Sending it again cannot help. */
export class BodyTooLargeError extends ResponseError {}
export class NotFoundError extends ResponseError {}

/** Error types of a refusal by a block; Elasticsearch and OpenSearch answer them with 403 (or 429 at flood stage). */
const BLOCK_ERROR_TYPES = new Set(['cluster_block_exception', 'index_create_block_exception']);

/** A 403 from a block rather than from security. */
function refusedByBlock(status: number, errorType: string | undefined): boolean {
  return status === 403 && errorType !== undefined && BLOCK_ERROR_TYPES.has(errorType);
}

function hintFor(status: number, errorType: string | undefined): string {
  if (refusedByBlock(status, errorType)) return BLOCK_HINT;
  if (status === 401)
    return 'Check the credentials for this cluster: FERRY_SOURCE_USERNAME/FERRY_SOURCE_PASSWORD (FERRY_DEST_* for the dest), the API key (FERRY_*_API_KEY), username/password in the plan file, or the client certificate (--source-cert/--source-key).';
  if (status === 403) return 'The user lacks a privilege for this call: grant it, or use a user that has it.';
  if (status === 404) return 'Check the index or resource name.';
  if (status === 413) return TOO_LARGE_HINT;
  if (RETRYABLE_STATUSES.has(status))
    return 'The cluster is busy; Ferry retries with backoff. If it persists, lower the concurrency.';
  return 'Read the server reason above; fix the request or the cluster, then run again.';
}

/** What to do when a block refuses a call: which block it is, and how to lift it. */
export const BLOCK_HINT =
  'A block refused this, not a missing privilege (the reason names the block). A cluster.blocks.create_index that ' +
  'OpenSearch set itself means every data node was over the high disk watermark: free disk, then lift it with ' +
  'PUT _cluster/settings {"persistent":{"cluster.blocks.create_index":null}}. Lift an index.blocks.* or ' +
  'cluster.blocks.* setting the same way once its reason is gone, then run the command again.';

/** What to do when a cluster refuses a body as too large: its limit is a static node setting. */
export const TOO_LARGE_HINT =
  'Raise http.max_content_length (100mb by default) in elasticsearch.yml / opensearch.yml on every node of that ' +
  'cluster above the largest document, restart the nodes, then run the command again (`ferry resume` for a migration).';

export function isRetryable(error: unknown): boolean {
  return (
    error instanceof ConnectionError ||
    error instanceof ShardFailureError ||
    (error instanceof ResponseError && error.retryable)
  );
}

/** A server error type that means "busy, try again later". */
export function isBusyErrorType(type: string | undefined): boolean {
  return type !== undefined && BUSY_ERROR_TYPES.has(type);
}

/**
 * The cluster refused the work because it is busy (429, a rejected execution on a full thread pool, a circuit
 * breaker), whole or on some shards: a reason to ask it for less, not only to try again.
 */
export function isBusy(error: unknown): boolean {
  if (error instanceof ShardFailureError) return error.busy;
  return error instanceof ResponseError && (error.status === 429 || isBusyErrorType(error.errorType));
}

/**
 * "all shards failed" says nothing of why: the first failed shard's reason and its innermost cause do.
 */
function firstShardReason(error: { failed_shards?: { reason?: ShardReason }[] }): string {
  let reason = error.failed_shards?.[0]?.reason;
  if (!reason) return '';
  const first = `${reason.type ?? 'error'}: ${reason.reason ?? ''}`;
  while (reason.caused_by) reason = reason.caused_by;
  const inner =
    reason.type && !first.startsWith(reason.type) ? `, caused by ${reason.type}: ${reason.reason ?? ''}` : '';
  return ` (first shard: ${first}${inner})`;
}

/** Why a shard failed, as the servers nest it (`caused_by` down to the root). */
export interface ShardReason {
  type?: string;
  reason?: string;
  caused_by?: ShardReason;
}

/** Builds the right error class for a failed response. */
export function responseError(status: number, body: unknown, what: string): ResponseError {
  const error = (
    body as
      | {
          error?:
            | {
                type?: string;
                reason?: string;
                root_cause?: { reason?: string }[];
                failed_shards?: { reason?: ShardReason }[];
              }
            | string;
        }
      | undefined
  )?.error;
  // A broadcast call (refresh, stats) refused on every shard has no `error`, only its shards' failures.
  const shardFailure = (
    body as { _shards?: { failures?: { reason?: { type?: string; reason?: string } }[] } } | undefined
  )?._shards?.failures?.[0]?.reason;
  const errorType = typeof error === 'object' ? error.type : shardFailure?.type;
  const reason =
    typeof error === 'object'
      ? (error.reason ?? error.root_cause?.[0]?.reason ?? '') + firstShardReason(error)
      : error === undefined
        ? (shardFailure?.reason ?? '')
        : String(error);
  // A secured cluster answers 401 with no JSON body: say what it means.
  // So does one refusing a body over http.max_content_length (Elasticsearch 7 answers 413 with an empty body).
  const said =
    reason ||
    (status === 401
      ? 'the cluster did not accept the credentials'
      : status === 413
        ? 'the request body is larger than the cluster accepts (http.max_content_length)'
        : '');
  const args = { status, errorType, reason: said.slice(0, 500), what, body };
  if (refusedByBlock(status, errorType)) return new ClusterBlockError(args);
  if (status === 401 || status === 403) return new AuthenticationError(args);
  if (status === 404) return new NotFoundError(args);
  if (status === 413) return new BodyTooLargeError(args);
  return new ResponseError(args);
}
