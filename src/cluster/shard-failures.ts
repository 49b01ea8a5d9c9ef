// Search, count and scroll answers say in `_shards` and `timed_out` whether every shard answered. A partial
// answer has status 200, so it is turned into a typed, retryable error here instead of passing as complete.
import { isBusyErrorType, ShardFailureError, type ShardReason } from './errors.js';

interface ShardFailure {
  index?: string;
  shard?: number;
  node?: string;
  reason?: ShardReason;
}

export interface ShardsHeader {
  timed_out?: boolean;
  _shards?: {
    total: number;
    successful: number;
    skipped?: number;
    failed: number;
    failures?: ShardFailure[];
  };
}

/** Throws ShardFailureError when a shard failed or the search timed out; answers without `_shards` pass. */
export function assertAllShards(body: unknown, what: string): void {
  const { timed_out: timedOut = false, _shards: shards } = (body ?? {}) as ShardsHeader;
  const failed = shards?.failed ?? 0;
  // Skipped shards (nothing could match) count as successful; fewer successes than shards is a gap even when
  // no failure is listed.
  const missing = shards ? shards.total - shards.successful : 0;
  if (failed === 0 && missing <= 0 && !timedOut) return;
  const first = shards?.failures?.[0];
  const failures = shards?.failures ?? [];
  throw new ShardFailureError({
    busy: failures.length > 0 && failures.every((f) => isBusyErrorType(f.reason?.type)),
    contextMissing: everyContextGone(failures),
    what,
    total: shards?.total ?? 0,
    failed: Math.max(failed, missing),
    timedOut,
    firstReason: first?.reason ? `${first.reason.type ?? 'error'}: ${first.reason.reason ?? ''}` : undefined,
  });
}

/**
 * The shard's search context is gone: never found (cleared or expired before the page was asked), or freed while
 * the page waited in the search queue. A scroll reuses its reader, which the free closed, so Elasticsearch 7.10
 * then fails the shard with Lucene's already_closed_exception (status 500), directly or as the cause of a query or
 * fetch phase failure.
 */
function contextGone(reason: ShardReason | undefined): boolean {
  for (let r = reason; r; r = r.caused_by)
    if (r.type === 'search_context_missing_exception' || r.type === 'already_closed_exception') return true;
  return false;
}

/**
 * An error answer (every shard failed, `error.failed_shards`) in which every shard lost its search context: the
 * scroll or point in time cannot go on, but reading again from the start can.
 */
export function everyShardLostContext(body: unknown): boolean {
  return everyContextGone(
    (body as { error?: { failed_shards?: ShardFailure[] } } | undefined)?.error?.failed_shards,
  );
}

/** At least one failure, and each lost its search context (partial and whole answers alike). */
function everyContextGone(failures: ShardFailure[] | undefined = []): boolean {
  return failures.length > 0 && failures.every((f) => contextGone(f.reason));
}

/**
 * The `timed_out` and `_shards` of a raw search answer, read from its head without parsing the hits. Both keys
 * come before `hits` in every engine's answer; a key inside a string would have escaped quotes.
 */
export function rawShardsHeader(text: string): ShardsHeader {
  const start = text.indexOf('"_shards":{');
  if (start < 0) return {};
  const open = start + '"_shards":'.length;
  const end = matchingBrace(text, open);
  if (end < 0) return {};
  const header: ShardsHeader = { _shards: JSON.parse(text.slice(open, end + 1)) };
  const timedOut = /"timed_out":(true|false)/.exec(text.slice(0, start));
  if (timedOut) header.timed_out = timedOut[1] === 'true';
  return header;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
