// Cluster health, as far as Ferry reads it: data nodes and shard copies, for the shard limit.
import { type ClusterClient, enc } from './client.js';

export interface ShardCapacity {
  dataNodes: number;
  /** Shard copies that count against `cluster.max_shards_per_node`: active and unassigned. */
  shardCopies: number;
}

export async function shardCapacity(client: ClusterClient): Promise<ShardCapacity> {
  const health = await client.json<{
    number_of_data_nodes: number;
    active_shards: number;
    unassigned_shards: number;
  }>({ method: 'GET', path: '/_cluster/health', what: 'read cluster health' });
  return {
    dataNodes: health.number_of_data_nodes,
    shardCopies: health.active_shards + health.unassigned_shards,
  };
}

/** The cluster's name, for operators' hooks and pages (never a secret). */
export async function clusterName(client: ClusterClient): Promise<string> {
  const health = await client.json<{ cluster_name?: string }>({
    method: 'GET',
    path: '/_cluster/health',
    query: { filter_path: 'cluster_name' },
    what: 'read cluster name',
  });
  return health.cluster_name ?? '';
}

export interface IndexPrimaries {
  status: 'green' | 'yellow' | 'red';
  activePrimaries: number;
  /** Shard copies being recovered (a restore in progress). */
  initializing: number;
}

/** One index's health: how many primaries are active, and whether any copy is still recovering. */
export async function indexPrimaries(client: ClusterClient, index: string): Promise<IndexPrimaries> {
  const h = await client.json<{
    status: IndexPrimaries['status'];
    active_primary_shards: number;
    initializing_shards: number;
  }>({
    method: 'GET',
    path: `/_cluster/health/${enc(index)}`,
    what: `read health of ${index}`,
  });
  return { status: h.status, activePrimaries: h.active_primary_shards, initializing: h.initializing_shards };
}
