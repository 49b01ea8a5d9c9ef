// Cluster health, as far as Ferry reads it: data nodes and shard copies, for the shard limit.
import type { ClusterClient } from './client.js';

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
