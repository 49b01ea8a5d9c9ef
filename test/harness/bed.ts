// The test bed: two independent clusters on loopback, "source" and "dest", sharing one snapshot directory,
// with the source in the dest's remote allowlist. Each side is one node, or several (one process per node, so a
// fault test can kill and restart one on its own). Its state lives in .ferry-bed/bed.json so that
// `npm run clusters -- status|down` from another shell, and fault tools in a test process, find what `up` started.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENGINES, type EngineId, type EnginePair, isSecured, pairName } from './engines.js';
import {
  groupAlive,
  type NodeLaunch,
  type NodeSettings,
  type RunningNode,
  sleep,
  startNode,
  stopNode,
} from './node-process.js';
import { BED_ROOT, TRANSPORT_OFFSET } from './paths.js';
import { bedFetch } from './secured-bed.js';
import { setUpElasticsearchUsers } from './secured-elasticsearch.js';
import { newSecuredPasswords, saveSecuredPasswords, setUpSecuredUsers } from './secured-users.js';

export type Side = 'source' | 'dest';
export const SIDES: readonly Side[] = ['source', 'dest'];

/** A running node and how it was started, so that it can be started again on the same data. */
export interface BedNode extends RunningNode {
  launch: NodeLaunch;
}

export interface Bed {
  pair: string;
  /** Node 0 of the source: the address tests and Ferry talk to. */
  source: RunningNode;
  /** Node 0 of the dest. */
  dest: RunningNode;
  /** Every node of each side, node 0 first. */
  nodes: Record<Side, BedNode[]>;
  /** The shared snapshot directory, in both clusters' path.repo. */
  repoDir: string;
  /** The process whose death stops the nodes (undefined: `clusters up`, left running). */
  ownerPid: number | undefined;
}

// FERRY_BED_PORT moves the whole bed (with FERRY_BED_DIR) so several beds can run side by side.
const BASE_PORT = Number(process.env.FERRY_BED_PORT ?? 39200);
const STATE_FILE = join(BED_ROOT, 'bed.json');
const HEAP_MB = process.env.FERRY_BED_HEAP_MB ? Number(process.env.FERRY_BED_HEAP_MB) : undefined;
/** Several nodes share two cores and the other engineers' beds: smaller heaps than a single node gets. */
const MULTI_NODE_HEAP_MB = 512;

/**
 * Every port of a bed is inside base..base+99, so beds 100 apart never meet. Node 0 keeps the single-node
 * ports (source base, dest base+1); extra nodes take base+11.. (source) and base+21.. (dest), clear of the
 * extra-node slots base+5..8. A node's transport port is its HTTP port + TRANSPORT_OFFSET.
 */
export function nodePorts(side: Side, i: number): { http: number; transport: number } {
  const s = side === 'source' ? 0 : 1;
  const http = i === 0 ? BASE_PORT + s : BASE_PORT + 11 + 10 * s + (i - 1);
  return { http, transport: http + TRANSPORT_OFFSET };
}

export async function bedUp(pair: EnginePair, ownerPid: number | undefined): Promise<Bed> {
  await bedDown();
  const root = join(BED_ROOT, 'clusters');
  const repoDir = join(root, 'snapshots');
  await rm(root, { recursive: true, force: true });
  await mkdir(repoDir, { recursive: true });
  // Elasticsearch 8/9 run as an unprivileged user and must write the shared repository too.
  await chmod(repoDir, 0o777);
  const sourceHttp = Array.from(
    { length: pair.sourceNodes },
    (_, i) => `127.0.0.1:${nodePorts('source', i).http}`,
  );
  const launches: Record<Side, NodeLaunch[]> = {
    source: sideLaunches('source', pair.source, pair.sourceNodes, root, repoDir, ownerPid, {}),
    dest: sideLaunches('dest', pair.dest, pair.destNodes, root, repoDir, ownerPid, {
      [ENGINES[pair.dest].remoteAllowlistSetting]: sourceHttp,
    }),
  };
  // Every start is awaited, failed or not, so that no node is left running unrecorded.
  const results = await Promise.all(
    SIDES.map((side) =>
      Promise.allSettled(launches[side].map(async (launch) => ({ ...(await startNode(launch)), launch }))),
    ),
  );
  const failed = results.flat().find((r) => r.status === 'rejected');
  const started = results.map((side) => side.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  if (failed) {
    // A node that never became healthy was stopped by startNode; the others are stopped here.
    await Promise.all(started.flat().map((node) => stopNode(node.pid)));
    throw failed.reason;
  }
  const nodes = { source: started[0] ?? [], dest: started[1] ?? [] };
  const bed = withEntryNodes({ pair: pairName(pair), nodes, repoDir, ownerPid });
  await writeFile(STATE_FILE, JSON.stringify(bed, null, 2));
  try {
    await Promise.all(SIDES.map((side) => waitForCluster(bed, side, 'green', 240_000)));
    await setUpUsers(bed, pair);
  } catch (error) {
    await bedDown();
    throw error;
  }
  return bed;
}

/** A secured side gets the tests' users (secured-users.ts), with the same passwords on both sides. */
async function setUpUsers(bed: Bed, pair: EnginePair): Promise<void> {
  const secured = SIDES.filter((side) => isSecured(pair[side]));
  if (secured.length === 0) return;
  const passwords = newSecuredPasswords();
  for (const side of secured) {
    const engine = ENGINES[pair[side]];
    if (engine.launcher === 'zip')
      await setUpElasticsearchUsers(join(bed.nodes[side][0]!.dir, 'config'), bed[side].url, passwords);
    else await setUpSecuredUsers(bed[side].url, passwords);
  }
  await saveSecuredPasswords(passwords);
}

function sideLaunches(
  side: Side,
  engine: EngineId,
  count: number,
  root: string,
  repoDir: string,
  ownerPid: number | undefined,
  settings: NodeSettings,
): NodeLaunch[] {
  const clusterName = `ferry-${side}`;
  const heapMb = HEAP_MB ?? (count > 1 ? MULTI_NODE_HEAP_MB : 1024);
  if (count === 1) {
    // Exactly the single-node bed every other test was written for.
    const { http, transport } = nodePorts(side, 0);
    const launch = {
      engine,
      clusterName,
      httpPort: http,
      transportPort: transport,
      repoDir,
      heapMb,
      ownerPid,
    };
    return [{ ...launch, dir: join(root, side), settings }];
  }
  const names = Array.from({ length: count }, (_, i) => `${clusterName}-${i}`);
  const seeds = names.map((_, i) => `127.0.0.1:${nodePorts(side, i).transport}`);
  const bootstrap =
    ENGINES[engine].distribution === 'opensearch'
      ? 'cluster.initial_cluster_manager_nodes'
      : 'cluster.initial_master_nodes';
  return names.map((nodeName, i) => ({
    engine,
    clusterName,
    nodeName,
    httpPort: nodePorts(side, i).http,
    transportPort: nodePorts(side, i).transport,
    dir: join(root, `${side}-${i}`),
    repoDir,
    heapMb,
    ownerPid,
    settings: { ...settings, 'discovery.seed_hosts': seeds, [bootstrap]: names },
  }));
}

function withEntryNodes(bed: Omit<Bed, 'source' | 'dest'>): Bed {
  const [source] = bed.nodes.source;
  const [dest] = bed.nodes.dest;
  if (!source || !dest) throw new Error('a test bed needs at least one node on each side');
  return { ...bed, source: runningNode(source), dest: runningNode(dest) };
}

function runningNode(node: BedNode): RunningNode {
  const { launch: _launch, ...running } = node;
  return running;
}

export async function readBed(): Promise<Bed | undefined> {
  try {
    const bed = JSON.parse(await readFile(STATE_FILE, 'utf8')) as Partial<Bed>;
    // A bed.json written before multi-node beds has no node lists: its two nodes are the whole bed.
    if (!bed.nodes && bed.source && bed.dest)
      return withEntryNodes({
        pair: bed.pair ?? '',
        repoDir: bed.repoDir ?? '',
        ownerPid: undefined,
        nodes: { source: [legacyNode(bed.source)], dest: [legacyNode(bed.dest)] },
      });
    return bed as Bed;
  } catch {
    return undefined;
  }
}

function legacyNode(node: RunningNode): BedNode {
  return { ...node, launch: {} as NodeLaunch };
}

export async function bedDown(): Promise<void> {
  const bed = await readBed();
  if (!bed) return;
  await Promise.all(SIDES.flatMap((side) => bed.nodes[side].map((node) => stopNode(node.pid))));
  await rm(STATE_FILE, { force: true });
}

export function bedAlive(bed: Bed): Record<Side, boolean[]> {
  return {
    source: bed.nodes.source.map((n) => groupAlive(n.pid)),
    dest: bed.nodes.dest.map((n) => groupAlive(n.pid)),
  };
}

/**
 * Starts node `i` of `side` again on its own data (after a kill, or to change a static setting with `extra`);
 * the node rejoins its cluster. A node still running is stopped first. bed.json records the new process.
 */
export async function restartBedNode(side: Side, i: number, extra: NodeSettings = {}): Promise<BedNode> {
  const bed = await readBed();
  const node = bed?.nodes[side][i];
  if (!bed || !node?.launch.engine) throw new Error(`The test bed has no ${side} node ${i} it can restart`);
  if (groupAlive(node.pid)) await stopNode(node.pid);
  const { launch } = node;
  // The cluster is formed already: bootstrap settings on a restarted node are ignored at best.
  const settings = Object.fromEntries(
    Object.entries({ ...launch.settings, ...extra }).filter(([key]) => !key.startsWith('cluster.initial_')),
  );
  const restarted: BedNode = {
    ...(await startNode({ ...launch, settings, keepData: true, ownerPid: bed.ownerPid })),
    launch,
  };
  const latest = (await readBed()) ?? bed;
  latest.nodes[side][i] = restarted;
  await writeFile(STATE_FILE, JSON.stringify(withEntryNodes(latest), null, 2));
  return restarted;
}

export type HealthStatus = 'green' | 'yellow' | 'red';

/** Waits until every node of `side` is in its cluster and the cluster is at least `status`. */
export async function waitForCluster(
  bed: Bed,
  side: Side,
  status: HealthStatus,
  timeoutMs: number,
): Promise<void> {
  const nodes = bed.nodes[side];
  const entry = nodes.find((n) => groupAlive(n.pid)) ?? nodes[0];
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await bedFetch(
        `${entry?.url}/_cluster/health?wait_for_nodes=${nodes.length}&wait_for_status=${status}&timeout=5s&master_timeout=5s`,
      );
      last = await res.text();
      if (res.ok) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(500);
  }
  throw new Error(
    `The ${side} cluster did not reach ${status} with ${nodes.length} node(s) in ${timeoutMs / 1000} s: ${last}`,
  );
}
