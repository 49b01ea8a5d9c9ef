// Live step 4: continuous change capture until the switch, then the switch-over window, then the drain.
//  - Each round copies what changed on every source shard since the last watermark; reconciliation
//    (deletes) runs every few seconds. Lag is reported in operations and seconds.
//  - When the lag is small Ferry says so; the operator moves the clients and runs `ferry switch`.
//  - After the switch Ferry keeps syncing under the window rule (window-writer.ts), or with --write-block
//    blocks source writes (recorded for undo first) and measures the pause.
//  - When the source has been quiet for --quiet-seconds, a last round and reconciliation end the step.

import { captureRound } from '../../copy/capture-round.js';
import { pendingOperations, readWatermarks, type Watermarks } from '../../copy/change-capture.js';
import { reconcile } from '../../copy/reconcile.js';
import type { WindowConflict, WindowState } from '../../copy/window-writer.js';
import { DONE, type Step, type StepContext, type StepOutcome } from '../step.js';

const ROUND_PAUSE_MS = 250;
const READY_OPS = 100;
const MAX_LAG_SAMPLES = 2000;

interface SyncData {
  watermarks: Watermarks;
  window?: WindowState;
  switchAt?: string;
  /** Source watermarks when the switch was acknowledged: everything at or below was on the dest then. */
  switchWatermarks?: Watermarks;
  blockedAt?: string;
  /** When the first full round and reconciliation after the switch finished. */
  windowSyncedAt?: string;
  lastChangeAt: number;
  lastReconcileAt: number;
  rounds: number;
  conflicts: WindowConflict[];
}

export const sync: Step = {
  name: 'sync',
  describe: (plan) => [
    `capture changes on every shard of ${plan.sourceIndex} by _seq_no and copy them; reconcile deletes every ${plan.reconcileSeconds}s`,
    'report lag in operations and seconds; say when the dest has caught up',
    plan.writeBlock
      ? 'at `ferry switch`: set index.blocks.write on the source (undo recorded), drain, measure the pause'
      : 'at `ferry switch`: keep syncing under the switch-over rule (dest writes after the switch win), report conflicts',
    `drain once the source had no write for ${plan.quietSeconds}s`,
  ],
  async run(ctx) {
    const data = await syncData(ctx);
    for (;;) {
      if (await ctx.pauseRequested()) return { kind: 'paused' };
      if (!data.window && (await ctx.switchSignalled())) await beginWindow(ctx, data);
      const outcome = await round(ctx, data);
      if (outcome) return outcome;
      await ctx.sleep(ROUND_PAUSE_MS);
    }
  },
  async verify() {},
};

async function syncData(ctx: StepContext): Promise<SyncData> {
  if (!ctx.data.watermarks) {
    const backfill = ctx.state.steps.backfill?.data.watermarks as Watermarks | undefined;
    if (!backfill) throw new Error('backfill left no watermarks; run `ferry resume` to redo it');
    Object.assign(ctx.data, {
      watermarks: backfill,
      lastChangeAt: Date.now(),
      lastReconcileAt: 0,
      rounds: 0,
      conflicts: [],
    });
    await ctx.save();
  }
  return ctx.data as unknown as SyncData;
}

/** One capture round; returns an outcome when the step is finished. */
async function round(ctx: StepContext, data: SyncData): Promise<StepOutcome | undefined> {
  const { plan, source, dest } = ctx;
  const started = Date.now();
  const to = await readWatermarks(source, plan.sourceIndex);
  const pending = pendingOperations(data.watermarks, to);
  const result = await captureRound(
    source,
    dest,
    { source: plan.sourceIndex, dest: plan.destIndex },
    data.watermarks,
    to,
    data.window,
  );
  data.watermarks = to;
  data.rounds++;
  if (pending > 0) data.lastChangeAt = Date.now();
  addConflicts(data, result.conflicts);
  await ctx.save();
  ctx.checkpoint(data.window ? 'window-round' : 'round');
  const quiet = () => (Date.now() - data.lastChangeAt) / 1000 >= plan.quietSeconds;
  const dueReconcile = Date.now() - data.lastReconcileAt >= plan.reconcileSeconds * 1000;
  if (dueReconcile || (data.window && quiet()) || (data.window && !data.windowSyncedAt))
    await runReconcile(ctx, data);
  if (data.window && !data.windowSyncedAt) {
    // Everything written on the source before the switch is now on the dest: `ferry switch` returns.
    data.windowSyncedAt = new Date().toISOString();
    ctx.state.results.switchSyncedAt = data.windowSyncedAt;
    await ctx.save();
    ctx.progress.info('switch: the dest holds every change made on the source before the switch');
  }
  await recordLag(ctx, pending, (Date.now() - started) / 1000, data);
  // Done only when a reconciliation found nothing to do after the source went quiet.
  if (data.window && quiet() && pending === 0) return finish(ctx, data);
  return undefined;
}

async function runReconcile(ctx: StepContext, data: SyncData): Promise<void> {
  const { plan } = ctx;
  const r = await reconcile({
    source: ctx.source,
    dest: ctx.dest,
    sourceIndex: plan.sourceIndex,
    destIndex: plan.destIndex,
    window: data.window,
    switchWatermarks: data.switchWatermarks,
    progress: ctx.progress,
  });
  data.lastReconcileAt = Date.now();
  addConflicts(data, r.conflicts);
  if (r.deleted + r.copied > 0) data.lastChangeAt = Date.now();
  await ctx.save();
  if (r.differences > 0)
    ctx.progress.info(
      `reconcile: ${r.differences} difference(s): ${r.copied} copied, ${r.deleted} deleted, ${r.conflicts.length} conflict(s)`,
    );
}

/** Each document's conflict is reported once, with its first occurrence. */
function addConflicts(data: SyncData, conflicts: WindowConflict[]): void {
  const seen = new Set(data.conflicts.map((c) => `${c.id}/${c.sourceChange}`));
  for (const c of conflicts) {
    const key = `${c.id}/${c.sourceChange}`;
    if (!seen.has(key)) {
      seen.add(key);
      data.conflicts.push(c);
    }
  }
}

async function recordLag(
  ctx: StepContext,
  pendingOps: number,
  seconds: number,
  data: SyncData,
): Promise<void> {
  const lag = (ctx.state.results.lag as { at: string; ops: number; seconds: number }[] | undefined) ?? [];
  lag.push({ at: new Date().toISOString(), ops: pendingOps, seconds: Number(seconds.toFixed(3)) });
  if (lag.length > MAX_LAG_SAMPLES) lag.splice(0, lag.length - MAX_LAG_SAMPLES);
  ctx.state.results.lag = lag;
  if (!data.window && pendingOps <= READY_OPS && !ctx.state.results.readyAt) {
    ctx.state.results.readyAt = new Date().toISOString();
    ctx.progress.info(
      `caught up (lag ${pendingOps} operations, ${seconds.toFixed(1)}s). Move the clients to the dest now, then run: ferry switch --id ${ctx.plan.id}`,
    );
  }
  if (data.rounds % 20 === 0)
    ctx.progress.info(
      `sync: round ${data.rounds}, lag ${pendingOps} ops / ${seconds.toFixed(1)}s, ${data.conflicts.length} conflict(s)`,
    );
  await ctx.save();
}

/** The operator said the clients moved: remember where the dest stood, so later client writes are known. */
async function beginWindow(ctx: StepContext, data: SyncData): Promise<void> {
  const { plan, dest, source } = ctx;
  const shards = await dest.shardSeqNos(plan.destIndex);
  const destMarks: Record<number, number> = {};
  for (const s of shards) if (s.primary) destMarks[s.shard] = s.maxSeqNo;
  data.window = { destMarks, ferryWrites: {} };
  data.switchWatermarks = { ...data.watermarks };
  data.switchAt = new Date().toISOString();
  data.lastChangeAt = Date.now();
  if (plan.writeBlock) {
    await ctx.recordUndo({
      kind: 'restore-index-setting',
      side: 'source',
      index: plan.sourceIndex,
      setting: 'index.blocks.write',
      previous: null,
      reason: 'write block for the final drain',
    });
    await source.putIndexSettings(plan.sourceIndex, { 'index.blocks.write': true });
    data.blockedAt = new Date().toISOString();
  }
  ctx.state.results.switchAcknowledgedAt = data.switchAt;
  await ctx.save();
  ctx.progress.info(
    plan.writeBlock
      ? 'switch: source writes blocked; draining'
      : 'switch acknowledged: destination writes from now on win over source changes',
  );
  ctx.checkpoint('switch-acknowledged');
}

async function finish(ctx: StepContext, data: SyncData): Promise<StepOutcome> {
  await ctx.setResult('sync', {
    rounds: data.rounds,
    switchAt: data.switchAt,
    conflicts: data.conflicts.length,
    conflictIds: data.conflicts.slice(0, 1000),
    writeBlockMs: data.blockedAt ? Date.now() - Date.parse(data.blockedAt) : undefined,
  });
  return DONE;
}
