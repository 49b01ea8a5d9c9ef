// Reconciliation: lists both sides by (id, version) with the verify machinery and repairs what change capture
// cannot see. It is how deletes (single, bulk, by query) reach the destination: a document on the
// destination that the source no longer has, confirmed by a realtime read of the source, is deleted there,
// conditionally on the destination document not having changed since Ferry read it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterClient } from '../cluster/client.js';
import { enc } from '../cluster/client.js';
import type { Progress } from '../report/progress.js';
import { verifyIndices } from '../verify/index.js';
import type { ReportLine } from '../verify/report-file.js';
import { bulkLines } from './bulk-lines.js';
import type { Watermarks } from './change-capture.js';
import { shardsOf } from './shards-of.js';
import type { CopyHit } from './types.js';
import {
  clientTouchedIds,
  clientWriteJudge,
  destDocs,
  type WindowConflict,
  type WindowState,
  writeInWindow,
} from './window-writer.js';

export interface ReconcileResult {
  differences: number;
  copied: number;
  deleted: number;
  conflicts: WindowConflict[];
}

export interface ReconcileOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  /** Set once clients may write to the destination. */
  window: WindowState | undefined;
  /** Source watermarks when the switch was acknowledged (with window). */
  switchWatermarks?: Watermarks | undefined;
  progress: Progress;
}

const BATCH = 500;

export async function reconcile(o: ReconcileOptions): Promise<ReconcileResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-reconcile-'));
  try {
    const outPath = join(dir, 'differences.ndjson');
    await verifyIndices({
      source: o.source,
      dest: o.dest,
      sourceIndex: o.sourceIndex,
      destIndex: o.destIndex,
      outPath,
      recheckRounds: 0,
      workDir: dir,
    });
    const lines = (await readFile(outPath, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ReportLine);
    const result: ReconcileResult = { differences: lines.length, copied: 0, deleted: 0, conflicts: [] };
    const touched = o.window ? await clientTouchedIds(o.dest, o.destIndex, o.window) : new Set<string>();
    for (let i = 0; i < lines.length; i += BATCH)
      await repairBatch(o, lines.slice(i, i + BATCH), touched, result);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function repairBatch(
  o: ReconcileOptions,
  lines: ReportLine[],
  touched: Set<string>,
  result: ReconcileResult,
): Promise<void> {
  const keys = lines.map((l) => ({ id: l.id, routing: l.source?.routing ?? l.dest?.routing ?? undefined }));
  const sourceNow = await sourceDocs(o.source, o.sourceIndex, keys);
  const present = sourceNow.filter((d): d is CopyHit => d !== undefined);
  const gone = keys.filter((_, i) => sourceNow[i] === undefined);
  if (o.window) {
    // A document unchanged on the source since the switch was on the dest then: if it is gone, a client deleted it.
    const shards = await shardsOf(
      o.source,
      o.sourceIndex,
      present.map((h) => h.id),
    );
    const marks = o.switchWatermarks ?? {};
    const changedSinceSwitch = (h: CopyHit) => (h.seqNo ?? -1) > (marks[shards.get(h.id) ?? -1] ?? -1);
    // A client's document on the dest that the source has not changed since the switch is simply ahead:
    // nothing to apply and no conflict. Only source changes made after the switch meet the rule.
    const toApply = present.filter((h) => !touched.has(h.id) || changedSinceSwitch(h));
    const { applied, conflicts } = await writeInWindow(
      o.dest,
      o.destIndex,
      toApply,
      o.window,
      touched,
      changedSinceSwitch,
    );
    result.copied += applied;
    result.conflicts.push(...conflicts);
  } else if (present.length > 0) {
    const res = await o.dest.bulk(present.map((h) => bulkLines(o.destIndex, h)).join(''));
    result.copied += res.items.filter((it) => (it.index?.status ?? 500) < 300).length;
  }
  await deleteGone(o, gone, touched, result);
}

/** Deletes on the dest what the source no longer has, unless a client owns it or it changed meanwhile. */
async function deleteGone(
  o: ReconcileOptions,
  gone: { id: string; routing: string | undefined }[],
  touched: Set<string>,
  result: ReconcileResult,
): Promise<void> {
  // A document a client wrote on the dest after the switch stays, whatever the source says (most are new
  // documents the source never had); a delete that races a client write fails its condition below.
  const candidates = gone.filter((k) => !touched.has(k.id));
  if (candidates.length === 0) return;
  const current = await destDocs(o.dest, o.destIndex, candidates);
  const clientWrote = o.window
    ? await clientWriteJudge(o.dest, o.destIndex, o.window, candidates, current)
    : () => false;
  const lines: string[] = [];
  const ids: string[] = [];
  candidates.forEach((k, i) => {
    const doc = current[i]!;
    if (!doc.found || clientWrote(k.id, doc)) return;
    const meta: Record<string, unknown> = {
      _index: o.destIndex,
      _id: k.id,
      if_seq_no: doc.seqNo,
      if_primary_term: doc.primaryTerm,
    };
    if (k.routing !== undefined) meta.routing = k.routing;
    lines.push(JSON.stringify({ delete: meta }));
    ids.push(k.id);
  });
  if (lines.length === 0) return;
  const res = await o.dest.bulk(`${lines.join('\n')}\n`);
  res.items.forEach((item, i) => {
    const status = item.delete?.status ?? 500;
    if (status < 300 || status === 404) result.deleted++;
    else if (status === 409 && o.window)
      result.conflicts.push({
        id: ids[i]!,
        sourceChange: 'delete',
        reason: 'changed-during-apply',
        at: new Date().toISOString(),
      });
  });
}

/** Realtime reads of the source (mget sees the latest write even before a refresh). */
async function sourceDocs(
  source: ClusterClient,
  index: string,
  keys: { id: string; routing: string | undefined }[],
): Promise<(CopyHit | undefined)[]> {
  const res = await source.json<{
    docs: {
      _id: string;
      found?: boolean;
      _version?: number;
      _seq_no?: number;
      _routing?: string;
      _source?: unknown;
    }[];
  }>({
    method: 'POST',
    path: `/${enc(index)}/_mget`,
    body: {
      docs: keys.map((k) => ({ _id: k.id, ...(k.routing !== undefined ? { routing: k.routing } : {}) })),
    },
    idempotent: true,
    what: `read ${keys.length} documents on the source`,
  });
  return res.docs.map((d) =>
    d.found
      ? {
          id: d._id,
          routing: d._routing,
          version: d._version ?? 1,
          seqNo: d._seq_no,
          source: JSON.stringify(d._source ?? {}),
        }
      : undefined,
  );
}
