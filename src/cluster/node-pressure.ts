// Per-node pressure facts for the health throttle, in one small nodes-stats request per cluster: thread pool
// queues and rejections, heap, circuit breaker trips, disk, and search/indexing time counters.
import type { ClusterClient } from './client.js';

export interface PoolStats {
  queue: number;
  rejected: number;
}

export interface NodePressure {
  name: string;
  write: PoolStats;
  search: PoolStats;
  heapPercent: number;
  /** Trips of every breaker since the node started. */
  breakerTrips: number;
  totalBytes: number;
  availableBytes: number;
  searchCount: number;
  searchMillis: number;
  indexCount: number;
  indexMillis: number;
}

interface RawNode {
  name?: string;
  thread_pool?: Record<string, { queue?: number; rejected?: number }>;
  jvm?: { mem?: { heap_used_percent?: number } };
  breakers?: Record<string, { tripped?: number }>;
  fs?: { total?: { total_in_bytes?: number; available_in_bytes?: number } };
  indices?: {
    search?: { query_total?: number; query_time_in_millis?: number };
    indexing?: { index_total?: number; index_time_in_millis?: number };
  };
}

const FILTER = [
  'nodes.*.name',
  'nodes.*.thread_pool.write.queue',
  'nodes.*.thread_pool.write.rejected',
  'nodes.*.thread_pool.search.queue',
  'nodes.*.thread_pool.search.rejected',
  'nodes.*.jvm.mem.heap_used_percent',
  'nodes.*.breakers.*.tripped',
  'nodes.*.fs.total.total_in_bytes',
  'nodes.*.fs.total.available_in_bytes',
  'nodes.*.indices.search.query_total',
  'nodes.*.indices.search.query_time_in_millis',
  'nodes.*.indices.indexing.index_total',
  'nodes.*.indices.indexing.index_time_in_millis',
].join(',');

export async function nodePressure(client: ClusterClient): Promise<NodePressure[]> {
  const body = await client.json<{ nodes?: Record<string, RawNode> }>({
    method: 'GET',
    path: '/_nodes/stats/thread_pool,jvm,breaker,fs,indices',
    query: { filter_path: FILTER },
    what: 'read node pressure',
  });
  return Object.entries(body.nodes ?? {}).map(([id, n]) => ({
    name: n.name ?? id,
    write: pool(n.thread_pool?.write),
    search: pool(n.thread_pool?.search),
    heapPercent: n.jvm?.mem?.heap_used_percent ?? 0,
    breakerTrips: Object.values(n.breakers ?? {}).reduce((s, b) => s + (b.tripped ?? 0), 0),
    totalBytes: n.fs?.total?.total_in_bytes ?? 0,
    availableBytes: n.fs?.total?.available_in_bytes ?? 0,
    searchCount: n.indices?.search?.query_total ?? 0,
    searchMillis: n.indices?.search?.query_time_in_millis ?? 0,
    indexCount: n.indices?.indexing?.index_total ?? 0,
    indexMillis: n.indices?.indexing?.index_time_in_millis ?? 0,
  }));
}

function pool(p: { queue?: number; rejected?: number } | undefined): PoolStats {
  return { queue: p?.queue ?? 0, rejected: p?.rejected ?? 0 };
}
