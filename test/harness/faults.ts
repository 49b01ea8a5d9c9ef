// Faults a test can cause on a multi-node test bed (e.g. FERRY_ENGINE=opensearch-2x3:opensearch-2x2): kill a
// node and start it again on its data, freeze one for a while, squeeze its write pool, move a shard copy, set
// the disk watermarks. Node i of a side is the process bed.json records; its node name is `ferry-<side>-<i>`.
import type { ClusterClient } from '../../src/cluster/client.js';
import {
  type BedNode,
  type HealthStatus,
  readBed,
  restartBedNode,
  type Side,
  waitForCluster,
} from './bed.js';
import { groupAlive, type NodeSettings, sleep } from './node-process.js';

export type { HealthStatus, Side };

/** The name the bed gives node `i` of a multi-node side (single-node sides keep the runner's own name). */
export function nodeName(side: Side, i: number): string {
  return `ferry-${side}-${i}`;
}

export async function bedNode(side: Side, i: number): Promise<BedNode> {
  const node = (await readBed())?.nodes[side][i];
  if (!node) throw new Error(`The test bed has no ${side} node ${i} (run the test on a multi-node pair)`);
  return node;
}

/** kill -9 of node i's process group; returns once it is gone. */
export async function killNode(side: Side, i: number): Promise<void> {
  const { pid } = await bedNode(side, i);
  signal(pid, 'SIGKILL');
  for (let waited = 0; groupAlive(pid); waited += 100) {
    if (waited > 10_000) throw new Error(`${side} node ${i} (pid ${pid}) survived SIGKILL for 10 s`);
    await sleep(100);
  }
}

/**
 * Starts node i again on its own data (stopping it first if it still runs) and waits until it is back in its
 * cluster and the cluster is `status` again. `extra` adds static settings for this start only.
 */
export async function restartNode(
  side: Side,
  i: number,
  options: { extra?: NodeSettings; status?: HealthStatus; timeoutMs?: number } = {},
): Promise<BedNode> {
  const node = await restartBedNode(side, i, options.extra);
  const bed = await readBed();
  if (bed) await waitForCluster(bed, side, options.status ?? 'green', options.timeoutMs ?? 180_000);
  return node;
}

export interface PausedNode {
  /** Settles when the node runs again (after `ms`, or earlier through resume()). */
  resumed: Promise<void>;
  resume(): void;
}

const paused = new Set<number>();
// A test that dies mid-pause must not leave a frozen JVM behind.
process.on('exit', () => {
  for (const pid of paused) signal(pid, 'SIGCONT');
});

/**
 * SIGSTOP to node i, SIGCONT after `ms`. The node keeps its sockets open but answers nothing: its peers wait
 * on it (writes to shards it holds a copy of, searches and stats that reach it) until fault detection removes it
 * from the cluster (about 30 s with default settings).
 */
export async function pauseNode(side: Side, i: number, ms: number): Promise<PausedNode> {
  const { pid } = await bedNode(side, i);
  signal(pid, 'SIGSTOP');
  paused.add(pid);
  let resume = () => {};
  const resumed = new Promise<void>((resolve) => {
    const timer = setTimeout(() => resume(), ms);
    resume = () => {
      clearTimeout(timer);
      if (paused.delete(pid)) signal(pid, 'SIGCONT');
      resolve();
    };
  });
  return { resumed, resume };
}

/**
 * Moves one copy of a shard from one node to another (`_cluster/reroute`, node names or ids) and waits until
 * no shard of the cluster is relocating.
 */
export async function moveShard(
  client: ClusterClient,
  index: string,
  shard: number,
  from: string,
  to: string,
): Promise<void> {
  await client.json({
    method: 'POST',
    path: '/_cluster/reroute',
    body: { commands: [{ move: { index, shard, from_node: from, to_node: to } }] },
    what: `move shard ${index}[${shard}] from ${from} to ${to}`,
  });
  await client.json({
    method: 'GET',
    path: '/_cluster/health',
    query: { wait_for_no_relocating_shards: true, wait_for_no_initializing_shards: true, timeout: '120s' },
    what: 'wait for the relocation',
  });
}

/**
 * Restarts node i with a one-thread, one-slot write pool (a static setting), so concurrent writes to the
 * primaries it holds get 429 items (`rejected_execution_exception` on OpenSearch, `es_rejected_execution_exception` on Elasticsearch). Returns a function that restarts it
 * with its usual pool.
 */
export async function fillWriteQueue(side: Side, i: number): Promise<() => Promise<void>> {
  await restartNode(side, i, {
    extra: { 'thread_pool.write.size': 1, 'thread_pool.write.queue_size': 1 },
  });
  return async () => {
    await restartNode(side, i);
  };
}

/**
 * Concurrent bulks for `ms` into a scratch index whose primaries sit on node i of the client's cluster: with
 * fillWriteQueue's one-slot pool, everyone writing to a primary on that node gets 429s meanwhile. Returns the
 * 429 items the storm itself got.
 */
export async function writeStorm(client: ClusterClient, side: Side, i: number, ms: number): Promise<number> {
  const index = `ferry-storm-${Date.now().toString(36)}`;
  await client.createIndex(index, {
    settings: {
      number_of_shards: 2,
      number_of_replicas: 0,
      'index.routing.allocation.require._name': nodeName(side, i),
    },
  });
  let rejected = 0;
  const until = Date.now() + ms;
  const lines = Array.from({ length: 200 }, (_, k) => `{"index":{"_index":"${index}"}}\n{"k":${k}}\n`).join(
    '',
  );
  const writer = async () => {
    while (Date.now() < until) {
      const answer = await client.bulk(lines).catch(() => undefined);
      rejected += answer?.items.filter((item) => item.index?.status === 429).length ?? 0;
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, writer));
  } finally {
    await client.deleteIndex(index);
  }
  return rejected;
}

/** Write-pool rejections node i has counted since it started. */
export async function writeRejections(client: ClusterClient, side: Side, i: number): Promise<number> {
  const id = (await nodeIds(client)).get(nodeName(side, i));
  const body = await client.json<{ nodes: Record<string, { thread_pool: { write: { rejected: number } } }> }>(
    {
      method: 'GET',
      path: `/_nodes/${id}/stats/thread_pool`,
      what: 'read write-pool rejections',
    },
  );
  return Object.values(body.nodes)[0]?.thread_pool.write.rejected ?? 0;
}

/**
 * Puts (or lifts) the block the flood-stage disk watermark puts on an index, at once rather than on the disk
 * monitor's next pass: writes get 429 cluster_block_exception while it is set. The disk monitor lifts it by itself
 * on its next pass (30 s by default) when the index's nodes are under the high watermark: set it again to hold it.
 */
export async function floodStageBlock(client: ClusterClient, index: string, on: boolean): Promise<void> {
  await client.json({
    method: 'PUT',
    path: `/${index}/_settings`,
    body: { 'index.blocks.read_only_allow_delete': on ? true : null },
    what: `${on ? 'set' : 'lift'} the flood-stage block of ${index}`,
  });
}

export interface DiskWatermarks {
  /** Each as a used share ("85%") or as free space left ("500mb"), all three of one kind. */
  low: string;
  high: string;
  floodStage: string;
}

/**
 * Sets the cluster's disk watermarks (transient) and has the disk monitor check every 10 s (its minimum). A flood
 * stage below the disk's use puts `index.blocks.read_only_allow_delete` on every index with a shard on the node,
 * and OpenSearch also sets `cluster.blocks.create_index` when every node is over the high watermark. `null`
 * restores the bed's marks and returns once both blocks are gone for good, so the next test finds a usable cluster.
 */
export async function setDiskWatermark(client: ClusterClient, marks: DiskWatermarks | null): Promise<void> {
  const prefix = 'cluster.routing.allocation.disk';
  await putClusterSettings(client, {
    [`${prefix}.threshold_enabled`]: marks ? true : null,
    // Kept short through the reset: OpenSearch's monitor forgets that a node was over the high watermark only on
    // a pass at least a reroute interval (60 s by default) after its last action, and until it has forgotten, it
    // puts the create-index block back on every pass (seen: lifted by hand, back 30 s later, gone after 90 s).
    'cluster.info.update.interval': '10s',
    [`${prefix}.reroute_interval`]: '1s',
    [`${prefix}.watermark.low`]: marks?.low ?? null,
    [`${prefix}.watermark.high`]: marks?.high ?? null,
    [`${prefix}.watermark.flood_stage`]: marks?.floodStage ?? null,
  });
  if (marks) return;
  // The create-index block is left for the monitor to lift: that it did proves a pass under the restored marks
  // has forgotten the node (a block lifted by hand comes back on the next pass; the pass already scheduled
  // under the old interval may be 30 s away). Index blocks are lifted at once. Done when none was seen for 15 s.
  const deadline = Date.now() + 150_000;
  for (let quietSince = Date.now(); Date.now() - quietSince < 15_000; await sleep(2500)) {
    if (Date.now() > deadline) throw new Error("The disk monitor's blocks were still there after 150 s");
    if (await diskBlocksLeft(client)) quietSince = Date.now();
  }
  await putClusterSettings(client, {
    'cluster.info.update.interval': null,
    [`${prefix}.reroute_interval`]: null,
  });
}

/**
 * Lifts the flood-stage index blocks (read-only-allow-delete); true when one was set or OpenSearch's create-index
 * block is still there.
 */
async function diskBlocksLeft(client: ClusterClient): Promise<boolean> {
  const key = 'index.blocks.read_only_allow_delete';
  const indices = await client.json<Record<string, { settings: Record<string, unknown> }>>({
    method: 'GET',
    path: `/_all/_settings/${key}`,
    query: { expand_wildcards: 'all', flat_settings: true },
    what: 'read the flood-stage index blocks',
  });
  const blocked = Object.values(indices).some((i) => i.settings[key] !== undefined);
  if (blocked)
    await client.json({
      method: 'PUT',
      path: '/_all/_settings',
      query: { expand_wildcards: 'all' },
      body: { [key]: null },
      what: 'lift the flood-stage index blocks',
    });
  if (client.engine.distribution !== 'opensearch') return blocked;
  const settings = await client.json<{
    persistent: Record<string, unknown>;
    transient: Record<string, unknown>;
  }>({
    method: 'GET',
    path: '/_cluster/settings',
    query: { flat_settings: true },
    what: 'read the create-index block',
  });
  const block = 'cluster.blocks.create_index';
  return blocked || settings.persistent[block] !== undefined || settings.transient[block] !== undefined;
}

function putClusterSettings(client: ClusterClient, transient: Record<string, unknown>): Promise<unknown> {
  return client.json({
    method: 'PUT',
    path: '/_cluster/settings',
    body: { transient },
    what: 'set disk watermarks',
  });
}

/** The cluster's health as seen by `client` (status, node count, unassigned shards). */
export async function health(
  client: ClusterClient,
  query: Record<string, string | number | boolean> = {},
): Promise<{ status: HealthStatus; number_of_nodes: number; unassigned_shards: number; timed_out: boolean }> {
  const res = await client.request<{
    status: HealthStatus;
    number_of_nodes: number;
    unassigned_shards: number;
    timed_out: boolean;
  }>({ method: 'GET', path: '/_cluster/health', query, okStatuses: [408], what: 'cluster health' });
  return res.body;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    // already gone
  }
}

/** Waits until every node of `side` is back in its cluster and the cluster is at least `status`. */
export async function waitForSide(side: Side, status: HealthStatus, timeoutMs = 180_000): Promise<void> {
  const bed = await readBed();
  if (!bed) throw new Error('The test bed is down');
  await waitForCluster(bed, side, status, timeoutMs);
}

/**
 * The node of `side` (1..n-1: node 0 serves Ferry's and the tests' HTTP, and holds the dest's vote) that holds a
 * primary (or a replica) of some shard of `index`; undefined when every such copy is on node 0.
 */
export async function copyHolder(
  client: ClusterClient,
  side: Side,
  index: string,
  primary: boolean,
): Promise<number | undefined> {
  const names = new Map([...(await nodeIds(client))].map(([name, id]) => [id, name]));
  const nodes = (await readBed())?.nodes[side].length ?? 1;
  for (const copy of await client.shardSeqNos(index)) {
    if (copy.primary !== primary) continue;
    for (let i = 1; i < nodes; i++) if (names.get(copy.node) === nodeName(side, i)) return i;
  }
  return undefined;
}

/**
 * The id of the elected cluster manager (master). Pausing it is another fault than pausing a follower: its peers
 * wait on it until their own leader checks fail and the cluster's other requests hang on it meanwhile (65 s
 * before node 1 answered again on an idle 3-node OpenSearch 2 bed, against about 32 s for a follower).
 */
export async function electedManager(client: ClusterClient): Promise<string> {
  const metric = client.engine.distribution === 'opensearch' ? 'cluster_manager_node' : 'master_node';
  const state = await client.json<Record<string, string>>({
    method: 'GET',
    path: `/_cluster/state/${metric}`,
    what: 'read the elected cluster manager',
  });
  const id = state[metric];
  if (!id) throw new Error(`no elected cluster manager in ${JSON.stringify(state)}`);
  return id;
}

/** Node name to node id, for `_only_nodes:` preferences and allocation filters. */
export async function nodeIds(client: ClusterClient): Promise<Map<string, string>> {
  const rows = await client.json<{ id: string; name: string }[]>({
    method: 'GET',
    path: '/_cat/nodes',
    query: { format: 'json', h: 'id,name', full_id: true },
    what: 'list nodes',
  });
  return new Map(rows.map((r) => [r.name, r.id]));
}
