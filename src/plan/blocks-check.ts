// A cluster-wide block refuses index creation and writes for every user: found in preflight, before it would
// stop a step half-way (and before a privilege probe's 403 could be taken for a missing privilege). OpenSearch's
// disk monitor sets cluster.blocks.create_index by itself when every data node is over the high watermark, and
// keeps it until a later pass finds room.
import type { ClusterClient } from '../cluster/client.js';
import { type CheckResult, fail, pass } from './check.js';
import type { Sides } from './preflight.js';

/** The cluster blocks that refuse what a migration does on a side, and what each refuses. */
const BLOCKS: Record<string, string> = {
  'cluster.blocks.create_index': 'index creation',
  'cluster.blocks.read_only': 'every write and index creation',
  'cluster.blocks.read_only_allow_delete': 'every write but deletes, and index creation',
};

/** The side must accept a new index and writes: the dest always, the source too for two-pass (its delta index). */
export async function checkNoClusterBlocks(side: keyof Sides, sides: Sides): Promise<CheckResult> {
  const name = `${side} accepts new indices and writes`;
  const client: ClusterClient = sides[side];
  const set = await clusterBlocks(client);
  if (set.length === 0) return pass(name, `no cluster.blocks.* set on ${client.label}`);
  return fail(
    name,
    `${client.label} has ${set.map((b) => `${b} (refuses ${BLOCKS[b]})`).join(', ')}`,
    `${set.includes('cluster.blocks.create_index') ? 'OpenSearch sets cluster.blocks.create_index itself when every data node is over the high disk watermark: free disk on that cluster first, then lift' : 'Lift'}` +
      ` ${set.length > 1 ? 'them' : 'it'}: PUT _cluster/settings {"persistent":{${set.map((b) => `"${b}":null`).join(',')}}} (and "transient" if it was set there). Nothing was changed.`,
  );
}

/** The cluster blocks set on a cluster (persistent, transient, or in the nodes' configuration). */
export async function clusterBlocks(client: ClusterClient): Promise<string[]> {
  const settings = await client.clusterSettings();
  return Object.keys(BLOCKS).filter((b) => String(settings[b] ?? 'false') === 'true');
}
