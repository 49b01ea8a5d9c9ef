// The backfill as ledger writes: sliced reads of the source (point-in-time, or scroll), one slice per shard, each
// page applied through the applier (create, or conditional on Ferry's last write), so a client that moved
// early keeps what it wrote and a re-read page is skipped. With as many slices as shards, slice s reads shard
// s on every engine (the servers' SliceBuilder), which gives each ledger row its source shard for the
// delete scan.
import type { ClusterClient } from '../cluster/client.js';
import { isRetryable, NotFoundError, ResponseError } from '../cluster/errors.js';
import type { SliceCursor } from '../cluster/read/hits.js';
import {
  closePointInTime,
  detectReadContext,
  openPointInTime,
  type ReadContextKind,
} from '../cluster/read/read-context.js';
import { SliceRestarts, scrollLost } from '../cluster/read/slice-restarts.js';
import { readSlice } from '../cluster/read/sliced-reader.js';
import {
  pressureWarnings,
  SourcePressure,
  type SourcePressureStats,
} from '../cluster/read/source-pressure.js';
import type { Progress } from '../core/progress.js';
import { realSleep, type Sleep } from '../core/time.js';
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
  sleep?: Sleep;
}

export interface BackfillResult extends ApplyResult {
  read: number;
  withoutSource: number;
  slices: number;
  readContext: ReadContextKind;
  /** Stopped on request before every slice was read (cursors saved; run again to continue). */
  stopped: boolean;
  /** Documents each slice handed out in this run. */
  readBySlice: Record<number, number>;
  /** What the source's busy refusals and slow pages did to the read (source-pressure.ts). */
  sourcePressure?: SourcePressureStats;
  /** Slices read again from their start after their scroll was lost. */
  sliceRestarts?: number;
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
    readBySlice: {},
  };
  if (total === 0) return result;
  const task = o.progress.task(`backfill ${o.index}`, total, 'docs');
  const contexts = new PointsInTime(o.source, kind, o.index);
  const pressure = new SourcePressure({
    readers: shards,
    sleep: o.sleep,
    onChange: pressureWarnings(`backfill ${o.index}`, (m) => o.progress.warn(m)),
  });
  result.sourcePressure = pressure.stats;
  const saved = Object.values(o.cursors).find((c) => c.contextId && !c.done)?.contextId;
  if (saved) contexts.adopt(saved);
  try {
    const slice = async (s: number) => {
      let from = o.cursors[s];
      if (from?.done) return;
      const scrollRestarts = new SliceRestarts();
      for (let attempt = 1; ; attempt++) {
        let pitId: string | undefined;
        try {
          pitId = kind === 'scroll' ? undefined : await contexts.current();
          await readSliceInto(o, { kind, pitId, slice: s, slices: shards, from, pressure }, result, task);
          return;
        } catch (error) {
          if (kind === 'scroll') {
            // The scroll is gone (slice-restarts.ts): the slice is read again from its start in a new scroll;
            // documents already copied are skipped through the ledger.
            const reached = readBySlice(result, s);
            if (!scrollLost(error) || !scrollRestarts.allowAfter(reached)) throw error;
            o.progress.warn(
              `backfill: slice ${s} lost its scroll after ${reached} documents (${String(error)}); reading the slice again from its start`,
            );
            result.read -= reached;
            result.sliceRestarts = (result.sliceRestarts ?? 0) + 1;
            await (o.sleep ?? realSleep)(1000);
            from = undefined;
            continue;
          }
          // A node holding a copy the point-in-time reads left (killed, restarted): its contexts are gone for
          // good. The slice is read again in a new point-in-time; documents already copied are skipped.
          if (!readContextLost(error) || attempt > MAX_REOPENS) throw error;
          o.progress.warn(
            `backfill: slice ${s} lost its point-in-time (${String(error)}); reading the slice again in a new one (${attempt}/${MAX_REOPENS})`,
          );
          result.read -= readBySlice(result, s);
          await (o.sleep ?? realSleep)(Math.min(30_000, 1000 * 2 ** attempt));
          await contexts.replace(from?.contextId ?? pitId);
          from = undefined;
        }
      }
    };
    await Promise.all(Array.from({ length: shards }, (_, s) => slice(s)));
    task.finish(
      `${result.written} written, ${result.skipped} already there, ${result.conflicts} owned by clients`,
    );
    return result;
  } finally {
    // A deliberate stop keeps its point-in-time (it expires after KEEP_ALIVE): `ferry resume` then reads on from
    // each slice's cursor instead of reading every slice again in a new one.
    if (!result.stopped) await contexts.closeAll(o.progress);
  }
}

/** Attempts to read a slice again in a new point-in-time before the step fails (and `ferry resume` goes on). */
const MAX_REOPENS = 5;

/** An error that means the point-in-time cannot answer for a shard any more (or did not answer this time). */
function readContextLost(error: unknown): boolean {
  return (
    error instanceof NotFoundError ||
    isRetryable(error) ||
    (error instanceof ResponseError && error.errorType === 'search_phase_execution_exception')
  );
}

/** Documents one slice handed out in this run (to be read again when the slice starts over). */
function readBySlice(result: BackfillResult, slice: number): number {
  const n = result.readBySlice[slice] ?? 0;
  result.readBySlice[slice] = 0;
  return n;
}

/** The point-in-time the slices share; replaced once when several slices find it broken at the same time. */
class PointsInTime {
  private id: Promise<string> | undefined;
  private readonly opened = new Set<string>();

  constructor(
    private readonly client: ClusterClient,
    private readonly kind: ReadContextKind,
    private readonly index: string,
  ) {}

  adopt(id: string): void {
    this.id = Promise.resolve(id);
    this.opened.add(id);
  }

  current(): Promise<string> {
    this.id ??= this.open();
    return this.id;
  }

  /** Opens a new one unless another slice has already replaced `broken`. */
  async replace(broken: string | undefined): Promise<void> {
    // A failed open leaves a rejected id: that one is replaced too.
    if (this.id && (await this.id.catch(() => undefined)) !== broken) return;
    this.id = this.open();
    await this.id;
  }

  private async open(): Promise<string> {
    if (this.kind === 'scroll') throw new Error('a scroll has no point-in-time');
    const id = await openPointInTime(this.client, this.kind, this.index, KEEP_ALIVE);
    this.opened.add(id);
    return id;
  }

  async closeAll(progress: Progress): Promise<void> {
    if (this.kind === 'scroll') return;
    for (const id of this.opened)
      await closePointInTime(this.client, this.kind, id).catch((error: unknown) =>
        progress.warn(
          `could not close a point-in-time on ${this.index} (it expires on its own): ${String(error)}`,
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
    pressure: SourcePressure;
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
    const count = page.hits.length + page.withoutSource.length;
    result.read += count;
    result.readBySlice[plan.slice] = (result.readBySlice[plan.slice] ?? 0) + count;
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
