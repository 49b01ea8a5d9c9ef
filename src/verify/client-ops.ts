// "A client deleted it" must be shown by the destination, not inferred from "Ferry wrote it and it is gone".
// Every operation on a shard (index, delete, a delete of a missing id) takes the next `_seq_no` of its history;
// version conflicts and no-op updates take none (test/cluster/server-facts.test.ts pins both on every engine).
// So, on unchanged histories (sync/identity.ts), sum over the dest shards of (max `_seq_no` + 1) is every operation
// the dest index ever took, and minus the ones Ferry's own writes took (the ledger counts each answered with a
// `_seq_no`, and a restored snapshot's), it bounds what clients did. Each document the verification gives to a
// client (written or deleted on the dest) needs at least one client operation: more such documents than the bound
// means some of them were lost, not deleted. Ferry's count never includes an operation that did not happen (only
// answered ones), so the rule never fails a clean destination; it is summed over the index, not per shard.
import type { ClusterClient } from '../cluster/client.js';
import { primaryPositions } from '../cluster/primary-positions.js';
import { type RetryPolicy, withRetry } from '../cluster/retry.js';
import type { Ledger } from '../sync/ledger.js';

export interface ClientOpsProof {
  /** Sum over the dest shards of (max `_seq_no` + 1): every operation the dest index took. */
  destOps: number;
  /** The operations Ferry's own writes took (ledger). */
  ferryOps: number;
  /** At most this many operations were made by clients. */
  clientOpsBound: number;
  /** Documents judged written or deleted by a client: each needs one client operation at least. */
  claimed: number;
  /** claimed <= clientOpsBound: the claims can be true. */
  ok: boolean;
}

/** A primary failing over or moving has no started copy for a moment: the read rides it out (about a minute). */
const READ_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 500, maxDelayMs: 15_000 };

/** Every operation the dest index holds in its shards' histories. */
export async function destOperations(dest: ClusterClient, index: string): Promise<number> {
  const positions = await withRetry(() => primaryPositions(dest, index), READ_RETRY);
  return positions.reduce((sum, p) => sum + p.maxSeqNo + 1, 0);
}

export async function proveClientOps(
  dest: ClusterClient,
  index: string,
  ledger: Ledger,
  claimed: number,
): Promise<ClientOpsProof> {
  // Ferry's count first: an operation of Ferry's that lands between the two reads then only widens the bound.
  const ferryOps = ledger.destOps();
  const destOps = await destOperations(dest, index);
  const clientOpsBound = Math.max(0, destOps - ferryOps);
  return { destOps, ferryOps, clientOpsBound, claimed, ok: claimed <= clientOpsBound };
}
