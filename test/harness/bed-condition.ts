// What the clusters say of the machine under a test bed: the disk use their disk monitor acts on, and any cluster
// block it (or a test) left set. Printed with each pair's result, so that a failure CI shows by its tail alone
// can be told apart from a full disk.
import type { Bed, Side } from './bed.js';
import { SIDES } from './bed.js';
import { bedFetch } from './secured-bed.js';

export interface BedCondition {
  /** The highest disk use over both sides' nodes, in percent, as the disk monitor counts it (1 - available/total). */
  diskUsedPercent: number | undefined;
  /** Cluster-level blocks set on either side ("dest cluster.blocks.create_index"). */
  blocks: string[];
}

export async function bedCondition(bed: Bed): Promise<BedCondition> {
  const sides = await Promise.all(SIDES.map((side) => sideCondition(bed, side)));
  const used = sides.flatMap((s) => (s.diskUsedPercent === undefined ? [] : [s.diskUsedPercent]));
  return {
    diskUsedPercent: used.length ? Math.max(...used) : undefined,
    blocks: sides.flatMap((s) => s.blocks),
  };
}

export function describeCondition(start: BedCondition | undefined, end: BedCondition | undefined): string {
  const disk = (c: BedCondition | undefined) =>
    c?.diskUsedPercent === undefined ? '?' : `${c.diskUsedPercent}%`;
  const blocks = end?.blocks.length ? end.blocks.join(', ') : 'none';
  return `disk used ${disk(start)} -> ${disk(end)}, blocks at the end: ${blocks}`;
}

async function sideCondition(bed: Bed, side: Side): Promise<BedCondition> {
  const url = bed[side].url;
  const condition: BedCondition = { diskUsedPercent: undefined, blocks: [] };
  try {
    const fs = (await (await bedFetch(`${url}/_nodes/stats/fs`)).json()) as {
      nodes: Record<string, { fs?: { total?: { total_in_bytes?: number; available_in_bytes?: number } } }>;
    };
    const used = Object.values(fs.nodes).map((n) => {
      const total = n.fs?.total?.total_in_bytes ?? 0;
      return total > 0 ? 100 * (1 - (n.fs?.total?.available_in_bytes ?? 0) / total) : 0;
    });
    condition.diskUsedPercent = Math.round(Math.max(...used));
    const settings = (await (await bedFetch(`${url}/_cluster/settings?flat_settings=true`)).json()) as Record<
      'persistent' | 'transient',
      Record<string, unknown>
    >;
    for (const scope of ['persistent', 'transient'] as const)
      for (const [key, value] of Object.entries(settings[scope] ?? {}))
        if (key.startsWith('cluster.blocks.') && String(value) === 'true')
          condition.blocks.push(`${side} ${key}`);
  } catch {
    // A cluster that does not answer here is reported by the tests themselves.
  }
  return condition;
}
