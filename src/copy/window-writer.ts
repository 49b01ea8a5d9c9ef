// Writes source changes to the destination during the switch-over window, when clients may write there too.
// The rule (README "Switch-over"): a document a client wrote on the destination after the switch belongs to
// the destination; a source change to it is not applied and is reported as a conflict. Any other change is
// applied only if the destination document is still the one Ferry just read (if_seq_no/if_primary_term, or
// op_type=create when absent), so a client write racing with Ferry also wins.
import type { ClusterClient } from '../cluster/client.js';
import { enc } from '../cluster/client.js';
import type { BulkItemResult } from '../cluster/types.js';
import { canonicalJson } from '../verify/source-hash.js';
import { shardsOf } from './shards-of.js';
import type { CopyHit } from './types.js';

export interface WindowConflict {
  id: string;
  /** What Ferry did not apply: a source write or a source delete. */
  sourceChange: 'write' | 'delete';
  reason: 'client-wrote-dest' | 'changed-during-apply';
  at: string;
}

export interface WindowState {
  /** Per dest shard, its max _seq_no when the switch was acknowledged: anything above is new. */
  destMarks: Record<number, number>;
  /** Dest _seq_no of Ferry's own writes after the switch, by id (to tell them from client writes). */
  ferryWrites: Record<string, number>;
}

export interface DestDoc {
  found: boolean;
  seqNo: number;
  primaryTerm: number;
  /** Canonical JSON of the dest `_source` (keys sorted), to skip writes that change nothing. */
  source: string | undefined;
}

/** Ids a client wrote on the dest since the switch: dest docs above the switch marks that Ferry did not write. */
export async function clientTouchedIds(
  dest: ClusterClient,
  index: string,
  window: WindowState,
): Promise<Set<string>> {
  const touched = new Set<string>();
  // Client writes become searchable only after a refresh.
  await dest.refresh(index);
  for (const [shard, mark] of Object.entries(window.destMarks)) {
    let after = mark;
    for (;;) {
      const res = await dest.search(
        index,
        {
          size: 1000,
          _source: false,
          seq_no_primary_term: true,
          query: { range: { _seq_no: { gt: after } } },
          sort: [{ _seq_no: 'asc' }],
        },
        { preference: `_shards:${shard}` },
      );
      const hits = res.hits.hits;
      if (hits.length === 0) break;
      for (const h of hits) if (window.ferryWrites[h._id] !== h._seq_no) touched.add(h._id);
      after = hits[hits.length - 1]!._seq_no ?? after;
    }
  }
  return touched;
}

export async function writeInWindow(
  dest: ClusterClient,
  index: string,
  hits: CopyHit[],
  window: WindowState,
  touched: Set<string>,
  /** Whether a document absent on the dest may be written there (false: unchanged on the source since the switch, so a client deleted it on the dest). */
  mayCreate: (hit: CopyHit) => boolean = () => true,
): Promise<{ applied: number; conflicts: WindowConflict[] }> {
  const conflicts: WindowConflict[] = [];
  const candidates = hits.filter((h) => !touched.has(h.id) || recordConflict(conflicts, h.id));
  if (candidates.length === 0) return { applied: 0, conflicts };
  const current = await destDocs(dest, index, candidates);
  const clientWrote = await clientWriteJudge(dest, index, window, candidates, current);
  const lines: string[] = [];
  const written: CopyHit[] = [];
  candidates.forEach((h, i) => {
    const doc = current[i]!;
    // Already the same content (a conditional write changes the version, not the content): nothing to do.
    if (doc.found && doc.source === canonicalJson(JSON.parse(h.source))) return;
    // Gone from the dest though the source has not changed it since the switch: a client deleted it there.
    if (!doc.found && !mayCreate(h)) return;
    if (clientWrote(h.id, doc)) {
      recordConflict(conflicts, h.id);
      return;
    }
    written.push(h);
    const meta: Record<string, unknown> = { _index: index, _id: h.id };
    if (h.routing !== undefined) meta.routing = h.routing;
    if (doc.found) {
      meta.if_seq_no = doc.seqNo;
      meta.if_primary_term = doc.primaryTerm;
      lines.push(JSON.stringify({ index: meta }));
    } else {
      // External version: a recent client delete on the dest left a tombstone with a higher version, which wins.
      meta.version = h.version;
      meta.version_type = 'external';
      lines.push(JSON.stringify({ index: meta }));
    }
    lines.push(h.source);
  });
  if (lines.length === 0) return { applied: 0, conflicts };
  const res = await dest.bulk(`${lines.join('\n')}\n`);
  let applied = 0;
  res.items.forEach((item, i) => {
    const result = (item.index ?? item.create) as BulkItemResult;
    const id = written[i]!.id;
    if (result.status < 300) {
      applied++;
      if (result._seq_no !== undefined) window.ferryWrites[id] = result._seq_no;
    } else if (result.status === 409) {
      conflicts.push({
        id,
        sourceChange: 'write',
        reason: 'changed-during-apply',
        at: new Date().toISOString(),
      });
    } else {
      throw new Error(
        `dest refused ${id}: ${result.status} ${result.error?.type ?? ''} ${result.error?.reason ?? ''}`,
      );
    }
  });
  return { applied, conflicts };
}

/**
 * Tells whether a client wrote a dest document after the switch, judged on the very _seq_no a conditional
 * write or delete will then depend on: a client write landing after the touched set was computed is still
 * seen here, or else makes the if_seq_no condition fail.
 */
export async function clientWriteJudge(
  dest: ClusterClient,
  index: string,
  window: WindowState,
  keys: { id: string }[],
  docs: DestDoc[],
): Promise<(id: string, doc: DestDoc) => boolean> {
  const shards = await shardsOf(
    dest,
    index,
    keys.filter((_, i) => docs[i]!.found).map((k) => k.id),
  );
  return (id, doc) => {
    const mark = window.destMarks[shards.get(id) ?? -1];
    return doc.found && mark !== undefined && doc.seqNo > mark && window.ferryWrites[id] !== doc.seqNo;
  };
}

function recordConflict(conflicts: WindowConflict[], id: string): false {
  conflicts.push({ id, sourceChange: 'write', reason: 'client-wrote-dest', at: new Date().toISOString() });
  return false;
}

/** Realtime reads of the dest documents (mget sees writes not yet refreshed). */
export async function destDocs(
  dest: ClusterClient,
  index: string,
  hits: { id: string; routing: string | undefined }[],
): Promise<DestDoc[]> {
  const res = await dest.json<{
    docs: { found?: boolean; _seq_no?: number; _primary_term?: number; _source?: unknown }[];
  }>({
    method: 'POST',
    path: `/${enc(index)}/_mget`,
    body: {
      docs: hits.map((h) => ({ _id: h.id, ...(h.routing !== undefined ? { routing: h.routing } : {}) })),
    },
    idempotent: true,
    what: `read ${hits.length} documents on the dest`,
  });
  return res.docs.map((d) => ({
    found: d.found === true,
    seqNo: d._seq_no ?? -1,
    primaryTerm: d._primary_term ?? 0,
    source: d.found ? canonicalJson(d._source ?? {}) : undefined,
  }));
}
