// A difference seen in a listing may only be a document caught mid-change. Before anything is reported,
// each one is looked at again, fresh, on both sides: gone means it caught up; unchanged since the last look
// means it is real; still moving after every round means it is reported apart, as in flux.
import type { ClusterClient } from '../cluster/client.js';
import type { Sleep } from '../core/time.js';
import { classifyId } from './classify.js';
import { type LookupKey, lookupRecords } from './lookup.js';
import type { Difference, DocRecord, ReportedDifference } from './types.js';

export interface RecheckOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  deep: boolean;
  rounds: number;
  delayMs: number;
  sleep: Sleep;
}

export interface RecheckOutcome {
  reported: ReportedDifference[];
  /** Differences that a fresh look found gone. */
  resolved: number;
}

export async function recheckDifferences(
  differences: readonly Difference[],
  options: RecheckOptions,
): Promise<RecheckOutcome> {
  if (options.rounds <= 0)
    return { reported: differences.map((d) => ({ ...d, inFlux: false })), resolved: 0 };
  const reported: ReportedDifference[] = [];
  let resolved = 0;
  let pending: readonly Difference[] = differences;
  for (let round = 0; round < options.rounds && pending.length > 0; round++) {
    // The pause comes first too: a write caught by the listing gets time to reach the other side.
    await options.sleep(options.delayMs);
    const [sources, dests] = await Promise.all([
      lookupRecords(options.source, options.sourceIndex, pending.map(sourceKey), options.deep),
      lookupRecords(options.dest, options.destIndex, pending.map(destKey), options.deep),
    ]);
    const next: Difference[] = [];
    pending.forEach((seen, i) => {
      const fresh = freshDifference(seen.id, sources[i], dests[i], options.deep);
      if (!fresh) resolved++;
      else if (sameRecord(seen.source, fresh.source) && sameRecord(seen.dest, fresh.dest))
        reported.push({ ...fresh, inFlux: false });
      else next.push(fresh);
    });
    pending = next;
  }
  for (const d of pending) reported.push({ ...d, inFlux: true });
  return { reported, resolved };
}

function sourceKey(d: Difference): LookupKey {
  return { id: d.id, routing: d.source ? d.source.routing : d.dest?.routing };
}

function destKey(d: Difference): LookupKey {
  return { id: d.id, routing: d.dest ? d.dest.routing : d.source?.routing };
}

function freshDifference(
  id: string,
  source: DocRecord | undefined,
  dest: DocRecord | undefined,
  deep: boolean,
): Difference | undefined {
  return classifyId(id, source ? [source] : [], dest ? [dest] : [], deep)[0];
}

/** Same observation of one side: nothing was written to the document in between. */
export function sameRecord(a: DocRecord | undefined, b: DocRecord | undefined): boolean {
  if (!a || !b) return a === b;
  const seqNoAgrees = a.seqNo === undefined || b.seqNo === undefined || a.seqNo === b.seqNo;
  return a.routing === b.routing && a.version === b.version && a.hash === b.hash && seqNoAgrees;
}
