// Why the clusters want Ferry to slow down, from two readings of both clusters' node stats a few seconds
// apart and what the write gate saw in between. Pure, so its thresholds are unit tested.

import { headroomBytes } from '../cluster/disk-headroom.js';
import type { NodePressure } from '../cluster/node-pressure.js';

export interface Reading {
  at: number;
  source: NodePressure[];
  dest: NodePressure[];
  /** The write gate's totals at that time. */
  gate: { bulks: number; bulkMs: number; busy: number };
  /** The block the dest refuses writes with, as it said it, until a write goes through again. */
  block?: string | undefined;
}

export interface Baselines {
  /** Lowest average bulk time seen over a window (ms). */
  bulkMs?: number;
  /** Lowest average source search time per query seen over a window (ms). */
  searchMs?: number;
}

export interface DiskLimit {
  highWatermark: string;
  enabled: boolean;
}

const QUEUE_HIGH = 100;
const HEAP_HIGH = 90;
/** A window's average above this many times the usual one, and above the floor, counts as slow. */
const SLOWER = 4;
const BULK_FLOOR_MS = 1000;
const SEARCH_FLOOR_MS = 500;

export function assess(before: Reading, now: Reading, base: Baselines, disk: DiskLimit): string[] {
  const reasons: string[] = [];
  // A block is the cause while it lasts, even in a reading without a refused write (the writer waits to retry).
  if (now.block !== undefined)
    reasons.push(
      `dest refuses writes: ${now.block} (a flood-stage block lifts itself once the dest's disk is under the flood-stage watermark: free disk space there)`,
    );
  const busy = now.gate.busy - before.gate.busy;
  if (busy > 0 && now.block === undefined) reasons.push(`dest answered ${busy} write(s) with 429 (busy)`);
  for (const side of ['dest', 'source'] as const) {
    const pool = side === 'dest' ? 'write' : 'search';
    for (const n of now[side]) {
      const was = before[side].find((b) => b.name === n.name);
      const rejected = was ? n[pool].rejected - was[pool].rejected : 0;
      if (rejected > 0)
        reasons.push(`${side} node ${n.name} rejected ${rejected} ${pool}(s) (${pool} queue full)`);
      else if (n[pool].queue >= QUEUE_HIGH)
        reasons.push(`${side} node ${n.name} ${pool} queue at ${n[pool].queue}`);
      if (n.heapPercent >= HEAP_HIGH) reasons.push(`${side} node ${n.name} heap at ${n.heapPercent}%`);
      if (was && n.breakerTrips > was.breakerTrips)
        reasons.push(`${side} node ${n.name} tripped a circuit breaker`);
      if (side === 'dest' && n.totalBytes > 0 && disk.enabled)
        if (headroomBytes(n.totalBytes, n.availableBytes, disk.highWatermark, true) === 0)
          reasons.push(`dest node ${n.name} disk over its high watermark (${disk.highWatermark})`);
    }
  }
  const bulks = now.gate.bulks - before.gate.bulks;
  const bulkMs = bulks > 0 ? (now.gate.bulkMs - before.gate.bulkMs) / bulks : undefined;
  if (
    bulkMs !== undefined &&
    base.bulkMs !== undefined &&
    bulkMs > SLOWER * base.bulkMs &&
    bulkMs > BULK_FLOOR_MS
  )
    reasons.push(`dest bulk latency ${Math.round(bulkMs)} ms (usual ${Math.round(base.bulkMs)} ms)`);
  const searchMs = averageSearchMs(before.source, now.source);
  if (
    searchMs !== undefined &&
    base.searchMs !== undefined &&
    searchMs > SLOWER * base.searchMs &&
    searchMs > SEARCH_FLOOR_MS
  )
    reasons.push(`source search latency ${Math.round(searchMs)} ms (usual ${Math.round(base.searchMs)} ms)`);
  if (bulkMs !== undefined) base.bulkMs = Math.min(base.bulkMs ?? bulkMs, Math.max(bulkMs, 1));
  if (searchMs !== undefined) base.searchMs = Math.min(base.searchMs ?? searchMs, Math.max(searchMs, 1));
  return reasons;
}

function averageSearchMs(before: NodePressure[], now: NodePressure[]): number | undefined {
  let count = 0;
  let ms = 0;
  for (const n of now) {
    const was = before.find((b) => b.name === n.name);
    if (!was) continue;
    count += n.searchCount - was.searchCount;
    ms += n.searchMillis - was.searchMillis;
  }
  return count > 0 ? ms / count : undefined;
}
