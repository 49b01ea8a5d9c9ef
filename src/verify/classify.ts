// The comparison itself, pure: given what each side holds for the ids of one partition, which differ and how.
import type { DiffClass, Difference, DocRecord } from './types.js';

/** How two copies of one id differ, or undefined when they agree. Routing first: a copy on the wrong shard is
 * wrong whatever its version says. */
export function classifyPair(source: DocRecord, dest: DocRecord, deep: boolean): DiffClass | undefined {
  if ((source.routing ?? null) !== (dest.routing ?? null)) return 'routing_differs';
  if (dest.version < source.version) return 'stale';
  if (dest.version > source.version) return 'newer_on_dest';
  if (deep && source.hash !== dest.hash) return 'content_differs';
  return undefined;
}

/**
 * All differences for one id. An id normally has one copy per side, but custom routing lets an index hold the
 * same id on two shards: copies are paired by equal routing first, then what is left pairs up as
 * routing_differs, and what is still left is missing (source only) or extra (dest only).
 */
export function classifyId(
  id: string,
  sources: readonly DocRecord[],
  dests: readonly DocRecord[],
  deep: boolean,
): Difference[] {
  const out: Difference[] = [];
  const leftDest = [...dests];
  const leftSource: DocRecord[] = [];
  for (const source of sources) {
    const match = leftDest.findIndex((d) => (d.routing ?? null) === (source.routing ?? null));
    if (match < 0) {
      leftSource.push(source);
      continue;
    }
    const [dest] = leftDest.splice(match, 1);
    const cls = classifyPair(source, dest!, deep);
    if (cls) out.push({ id, class: cls, source, dest });
  }
  for (const source of leftSource) {
    const dest = leftDest.shift();
    out.push(
      dest
        ? { id, class: 'routing_differs', source, dest }
        : { id, class: 'missing', source, dest: undefined },
    );
  }
  for (const dest of leftDest) out.push({ id, class: 'extra', source: undefined, dest });
  return out;
}

export function groupById(records: Iterable<DocRecord>): Map<string, DocRecord[]> {
  const groups = new Map<string, DocRecord[]>();
  for (const record of records) {
    const group = groups.get(record.id);
    if (group) group.push(record);
    else groups.set(record.id, [record]);
  }
  return groups;
}

/** Every difference between two sides' records of one partition, in id order so reports are stable. */
export function comparePartition(
  source: Iterable<DocRecord>,
  dest: Iterable<DocRecord>,
  deep: boolean,
): Difference[] {
  const sourceGroups = groupById(source);
  const destGroups = groupById(dest);
  const out: Difference[] = [];
  for (const [id, sources] of sourceGroups)
    out.push(...classifyId(id, sources, destGroups.get(id) ?? [], deep));
  for (const [id, dests] of destGroups)
    if (!sourceGroups.has(id)) out.push(...classifyId(id, [], dests, deep));
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
