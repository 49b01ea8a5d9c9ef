// What an operation needs to run, and how a thrown error becomes an oracle record.

import type { DocSource } from '../../../src/audit/record.js';
import type { ClusterClient } from '../../../src/cluster/client.js';
import { enc } from '../../../src/cluster/client.js';
import { ConnectionError, ResponseError } from '../../../src/cluster/errors.js';
import type { ItemFailure, OpOutcome, Oracle } from '../oracle.js';
import type { Rng } from '../prng.js';

export interface OpContext {
  client: ClusterClient;
  index: string;
  opId: string;
  rng: Rng;
  /** Range of `grp` values new documents get; a by-query operation targets one value. */
  groups: number;
  oracle: Oracle;
}

export function docPath(ctx: OpContext, endpoint: string, id: string): string {
  return `/${enc(ctx.index)}/${endpoint}/${encodeURIComponent(id)}`;
}

/** The expected source of an id the planner picked as present; a missing one is a generator bug. */
export function currentDoc(ctx: OpContext, id: string): DocSource {
  const doc = ctx.oracle.current(id);
  if (!doc) throw new Error(`workload bug: ${id} was planned as present but the oracle has it deleted`);
  return doc;
}

export function oneSuccess(id: string, predicted: DocSource | null, observed?: DocSource | null): OpOutcome {
  return {
    attempted: 1,
    succeeded: 1,
    ok: [observed === undefined ? { id, predicted } : { id, predicted, observed }],
    failed: [],
  };
}

/** The whole request failed: every id it carried failed the same way. Unexpected errors are bugs: rethrown. */
export function requestFailed(ids: readonly string[], error: unknown): OpOutcome {
  const failure = failureOf(error);
  const failed = ids.length === 0 ? [{ id: undefined, ...failure }] : ids.map((id) => ({ id, ...failure }));
  return { attempted: Math.max(1, ids.length), succeeded: 0, ok: [], failed };
}

export function failureOf(error: unknown): Omit<ItemFailure, 'id'> {
  if (error instanceof ResponseError) {
    // A 5xx may come after the write was applied (e.g. a replica timed out): the outcome is unknown.
    return {
      status: error.status,
      errorType: error.errorType ?? statusType(error.status),
      ambiguous: error.status >= 500,
    };
  }
  if (error instanceof ConnectionError) return { status: 0, errorType: 'connection', ambiguous: true };
  throw error;
}

export function statusType(status: number): string {
  return status === 404 ? 'not_found' : `http_${status}`;
}
