// Compares an index, document by document, with the expected final state an application recorded.
import type { ClusterClient } from '../cluster/client.js';
import { canonicalJson } from '../verify/source-hash.js';
import type { DocSource, ExpectedDoc, OpType } from './record.js';
import { scanIndex } from './scan.js';

/** The last operation on an id, or 'initial' when the workload never wrote it. */
export type Origin = OpType | 'initial';

export interface Mismatch {
  id: string;
  origin: Origin;
  expected: DocSource | null;
  actual: DocSource | null;
}

export interface OriginCounts {
  kept: number;
  lost: number;
  resurrected: number;
  stale: number;
}

export interface OracleComparison {
  /** Ids compared (expected ones not uncertain). */
  checked: number;
  /** Expected present, missing. */
  lost: Mismatch[];
  /** Expected deleted, present. */
  resurrected: Mismatch[];
  /** Present, with a source other than expected. */
  stale: Mismatch[];
  /** Present, never written by the workload and not in the initial set. */
  extra: string[];
  /** Skipped: their state was unknown after an ambiguous outcome. */
  uncertain: string[];
  byOrigin: Partial<Record<Origin, OriginCounts>>;
}

export interface CompareOptions {
  lastOpByType?: ReadonlyMap<string, OpType>;
  uncertain?: ReadonlySet<string>;
}

export async function compareWithOracle(
  client: ClusterClient,
  index: string,
  expected: ReadonlyMap<string, ExpectedDoc | null>,
  options: CompareOptions = {},
): Promise<OracleComparison> {
  await client.refresh(index);
  const actual = new Map<string, DocSource>();
  await scanIndex(client, index, (hits) => {
    for (const hit of hits) actual.set(hit.id, hit.source);
  });
  return diff(actual, expected, options);
}

/** The pure half of the comparison, so its rules are unit tested without a cluster. */
export function diff(
  actual: ReadonlyMap<string, DocSource>,
  expected: ReadonlyMap<string, ExpectedDoc | null>,
  options: CompareOptions = {},
): OracleComparison {
  const result: OracleComparison = {
    checked: 0,
    lost: [],
    resurrected: [],
    stale: [],
    extra: [],
    uncertain: [],
    byOrigin: {},
  };
  for (const [id, want] of expected) {
    if (options.uncertain?.has(id)) {
      result.uncertain.push(id);
      continue;
    }
    result.checked++;
    const origin: Origin = options.lastOpByType?.get(id) ?? 'initial';
    const counts = result.byOrigin[origin] ?? { kept: 0, lost: 0, resurrected: 0, stale: 0 };
    result.byOrigin[origin] = counts;
    const got = actual.get(id) ?? null;
    const verdict =
      want === null
        ? got === null
          ? 'kept'
          : 'resurrected'
        : got === null
          ? 'lost'
          : sameSource(want, got)
            ? 'kept'
            : 'stale';
    counts[verdict]++;
    if (verdict !== 'kept') result[verdict].push({ id, origin, expected: want, actual: got });
  }
  for (const id of actual.keys()) {
    if (!expected.has(id) && !options.uncertain?.has(id)) result.extra.push(id);
  }
  return result;
}

/** Equality of sources regardless of key order (the server may return keys reordered). */
export function sameSource(a: DocSource | null | undefined, b: DocSource | null | undefined): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
