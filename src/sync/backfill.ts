// The backfill as ledger writes: sliced reads of the source (point-in-time, or scroll), one slice per shard, each
// page applied through the applier (create, or conditional on Ferry's last write), so a client that moved
// early keeps what it wrote and a re-read page is skipped. With as many slices as shards, slice s reads shard
// s on every engine (the servers' SliceBuilder), which gives each ledger row its source shard for the
// delete scan.
import type { ClusterClient } from '../cluster/client.js';
import { NotFoundError } from '../cluster/errors.js';
import {
  closePointInTime,
  detectReadContext,
  openPointInTime,
  type ReadContextKind,
} from '../cluster/read-context.js';
import { readSlice } from '../copy/sliced-reader.js';
import type { SliceCursor } from '../copy/types.js';
import type { Progress } from '../report/progress.js';
import type { Applier, ApplyResult } from './applier.js';
import { add, toChange } from './capture.js';

export interface BackfillOptions {
  source: ClusterClient;
  index: string;
  applier: Applier;
  progress: Progress;
  /** Cursors saved by an earlier run, by slice. */
  cursors: Record<number, SliceCursor>;
  /** Called after each page is committed to the ledger: persist the cursor. */
  onCursor(cursor: SliceCursor): Promise<void>;
  /** Asked between pages (`ferry pause`, Ctrl-C): true stops every slice after its current page. */
  stopRequested?: () => Promise<boolean>;
  pageSize?: number;
}

export interface BackfillResult extends ApplyResult {
  read: number;
  withoutSource: number;
  slices: number;
  readContext: ReadContextKind;
  /** Stopped on request before every slice was read (cursors saved; run again to continue). */
  stopped: boolean;
}

const KEEP_ALIVE = '10m';

export async function backfillIndex(o: BackfillOptions): Promise<BackfillResult> {
  const kind = await detectReadContext(o.source);
  const shards = Number((await o.source.getIndexSettings(o.index))['index.number_of_shards'] ?? 1);
  const total = await o.source.count(o.index);
  const result: BackfillResult = {
    written: 0,
    deleted: 0,
    skipped: 0,
    conflicts: 0,
    read: 0,
    withoutSource: 0,
    slices: shards,
    readContext: kind,
    stopped: false,
  };
  if (total === 0) return result;
  const task = o.progress.task(`backfill ${o.index}`, total, 'docs');
  const saved = Object.values(o.cursors).find((c) => c.contextId && !c.done)?.contextId;
  let pitId =
    kind === 'scroll' ? undefined : (saved ?? (await openPointInTime(o.source, kind, o.index, KEEP_ALIVE)));
  try {
    const slice = async (s: number) => {
      const from = o.cursors[s];
      if (from?.done) return;
      try {
        await readSliceInto(o, { kind, pitId, slice: s, slices: shards, from }, result, task);
      } catch (error) {
        // The saved context expired: read the slice again in a new one; re-read documents are skipped.
        if (!from || !(error instanceof NotFoundError) || kind === 'scroll') throw error;
        pitId = await openPointInTime(o.source, kind, o.index, KEEP_ALIVE);
        await readSliceInto(o, { kind, pitId, slice: s, slices: shards, from: undefined }, result, task);
      }
    };
    await Promise.all(Array.from({ length: shards }, (_, s) => slice(s)));
    task.finish(
      `${result.written} written, ${result.skipped} already there, ${result.conflicts} owned by clients`,
    );
    return result;
  } finally {
    if (pitId && kind !== 'scroll')
      await closePointInTime(o.source, kind, pitId).catch((error: unknown) =>
        o.progress.warn(
          `could not close the point-in-time on ${o.index} (it expires on its own): ${String(error)}`,
        ),
      );
  }
}

async function readSliceInto(
  o: BackfillOptions,
  plan: {
    kind: ReadContextKind;
    pitId: string | undefined;
    slice: number;
    slices: number;
    from: SliceCursor | undefined;
  },
  result: BackfillResult,
  task: { update(done: number): void },
): Promise<void> {
  const pages = readSlice({
    client: o.source,
    index: o.index,
    pageSize: o.pageSize ?? 1000,
    keepAlive: KEEP_ALIVE,
    ...plan,
  });
  for await (const page of pages) {
    result.read += page.hits.length + page.withoutSource.length;
    result.withoutSource += page.withoutSource.length;
    const shard = plan.slice % plan.slices;
    add(result, await o.applier.apply(page.hits.map((h) => toChange(h, shard))));
    await o.onCursor(page.cursor);
    task.update(result.read);
    if (result.stopped || (await o.stopRequested?.())) {
      result.stopped = true;
      return;
    }
  }
}
