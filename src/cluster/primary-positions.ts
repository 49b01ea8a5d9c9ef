// Where each primary of an index stands, read from the primaries' own nodes. Index stats are a broadcast to every
// copy and wait for a frozen replica's node until it answers or leaves the cluster; the master's routing table
// names the primaries' nodes, and node stats ask only those, with a time limit. Besides the checkpoints, each
// primary gives its history UUID (commit user data) and the master gives its primary term: what tells change
// capture that a shard's `_seq_no`s may have been reused.
import { type ClusterClient, enc } from './client.js';
import { ShardFailureError } from './errors.js';

export interface PrimaryPosition {
  shard: number;
  /** Node id of the primary. */
  node: string;
  maxSeqNo: number;
  localCheckpoint: number;
  /** Every operation at or below it is on every in-sync copy. */
  globalCheckpoint: number;
  /** The shard's primary term in the index metadata: it grows with every primary failover. */
  primaryTerm: number;
  /** The history UUID of the primary's last commit: new when the shard's history starts over. */
  historyUuid: string;
}

/** A node that does not answer within this is a failed read, retried by the caller's round. */
const NODE_TIMEOUT_S = 10;

export async function primaryPositions(client: ClusterClient, index: string): Promise<PrimaryPosition[]> {
  const routing = await primaryRouting(client, index);
  const nodes = [...new Set(routing.map((r) => r.node))];
  const stats = await client.json<NodeStatsBody>({
    method: 'GET',
    path: `/_nodes/${nodes.map(enc).join(',')}/stats/indices/docs`,
    query: { level: 'shards', timeout: `${NODE_TIMEOUT_S}s` },
    timeoutMs: (NODE_TIMEOUT_S + 10) * 1000,
    what: `read the primaries' positions of ${index}`,
  });
  return routing.map((r) => {
    const copies = stats.nodes[r.node]?.indices.shards?.[index] ?? [];
    const copy = copies.map((c) => c[String(r.shard)]).find((c) => c?.routing.primary);
    if (!copy?.seq_no)
      throw missing(
        index,
        routing.length,
        `the primary of shard ${r.shard} on node ${r.node} did not answer`,
      );
    return {
      shard: r.shard,
      node: r.node,
      maxSeqNo: copy.seq_no.max_seq_no,
      localCheckpoint: copy.seq_no.local_checkpoint,
      globalCheckpoint: copy.seq_no.global_checkpoint,
      primaryTerm: r.primaryTerm,
      historyUuid: copy.commit?.user_data?.history_uuid ?? '',
    };
  });
}

/** Each shard's started primary and its term, from the master's cluster state (no data node is asked). */
async function primaryRouting(
  client: ClusterClient,
  index: string,
): Promise<{ shard: number; node: string; primaryTerm: number }[]> {
  const state = await client.json<ClusterStateBody>({
    method: 'GET',
    path: `/_cluster/state/metadata,routing_table/${enc(index)}`,
    query: {
      filter_path: 'metadata.indices.*.primary_terms,routing_table.indices.*.shards',
    },
    what: `read the primaries of ${index}`,
  });
  const shards = Object.values(state.routing_table?.indices ?? {})[0]?.shards ?? {};
  const terms = Object.values(state.metadata?.indices ?? {})[0]?.primary_terms ?? {};
  const out = Object.entries(shards).map(([shard, copies]) => {
    const primary = copies.find((c) => c.primary && (c.state === 'STARTED' || c.state === 'RELOCATING'));
    if (!primary?.node)
      throw missing(index, Object.keys(shards).length, `shard ${shard} has no started primary`);
    return { shard: Number(shard), node: primary.node, primaryTerm: terms[shard] ?? 0 };
  });
  if (out.length === 0) throw missing(index, 0, 'the cluster state lists no shard');
  return out.sort((a, b) => a.shard - b.shard);
}

function missing(index: string, total: number, reason: string): ShardFailureError {
  return new ShardFailureError({
    what: `read the primaries' positions of ${index}`,
    total,
    failed: 1,
    timedOut: false,
    firstReason: reason,
  });
}

interface ClusterStateBody {
  metadata?: { indices?: Record<string, { primary_terms?: Record<string, number> }> };
  routing_table?: {
    indices?: Record<
      string,
      { shards?: Record<string, { state: string; primary: boolean; node: string | null }[]> }
    >;
  };
}

interface NodeStatsBody {
  nodes: Record<
    string,
    {
      indices: {
        shards?: Record<
          string,
          Record<
            string,
            {
              routing: { primary: boolean };
              seq_no?: { max_seq_no: number; local_checkpoint: number; global_checkpoint: number };
              commit?: { user_data?: { history_uuid?: string } };
            }
          >[]
        >;
      };
    }
  >;
}
