// A third, short-lived cluster for tests that need a node configured differently from the bed's (static
// settings such as a tiny write queue). It lives in the bed's folder and port range and dies with its owner.
import { join } from 'node:path';
import type { EngineId } from './engines.js';
import { type NodeSettings, type RunningNode, startNode, stopNode } from './node-process.js';
import { BED_ROOT, TRANSPORT_OFFSET } from './paths.js';

const BASE_PORT = Number(process.env.FERRY_BED_PORT ?? 39200);

export interface ExtraNode extends RunningNode {
  stop(): Promise<void>;
}

/** `slot` (1-4) picks HTTP port base+4+slot (transport 50 above), clear of the bed's nodes. */
export async function startExtraNode(
  engine: EngineId,
  slot: number,
  settings: NodeSettings,
): Promise<ExtraNode> {
  const node = await startNode({
    engine,
    clusterName: `ferry-extra-${slot}`,
    httpPort: BASE_PORT + 4 + slot,
    transportPort: BASE_PORT + 4 + slot + TRANSPORT_OFFSET,
    dir: join(BED_ROOT, 'clusters', `extra-${slot}`),
    repoDir: join(BED_ROOT, 'clusters', 'snapshots'),
    settings,
    heapMb: 512,
    ownerPid: process.pid,
  });
  return { ...node, stop: () => stopNode(node.pid) };
}
