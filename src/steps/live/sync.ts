// Live step 4: continuous change capture until the switch, the switch-over, then the drain.
//  - Each round applies every source shard's changes up to its global checkpoint through the ledger; the
//    delete scan (counts per `_seq_no` range) runs every --reconcile-seconds and whenever the switch needs it.
//  - Lag is the operations not yet applied and the age of the oldest of them.
//  - `ferry switch`: the cutover's states and transitions are in sync/cutover.ts; this step runs the rounds and
//    does what each transition asks (the move_clients hook, the aliases, the messages).
import { isRetryable } from '../../cluster/errors.js';
import { ApplyError } from '../../sync/applier.js';
import { type Marks, shardPositions } from '../../sync/capture.js';
import { writeConflictsFile } from '../../sync/conflicts-file.js';
import {
  afterRound,
  announce,
  cutoverDone,
  cutoverPhase,
  reached,
  recordSwitch,
  refine,
  type SwitchRecord,
  switchGatePassed,
} from '../../sync/cutover.js';
import type { LagSample } from '../../sync/lag.js';
import {
  addSample,
  emptyDistribution,
  isLagResults,
  type LagClock,
  type LagNow,
  type LagResults,
  lagNow,
} from '../../sync/lag.js';
import { checkIndices, openSync, type SyncSession } from '../../sync/open.js';
import { catchUp, type QuietShards, type RoundResult } from '../../sync/round.js';
import {
  addLate,
  addRound,
  emptyPhaseSummary,
  isPhaseSummary,
  type PhaseSummary,
  type PhaseTimes,
} from '../../sync/round-timings.js';
import { DONE, type Step, type StepContext, type StepOutcome } from '../step.js';
import { switchSourceAliases } from './move-aliases.js';

/** Wait between two rounds when the last one found nothing to do; a round that did work is followed at once. */
const IDLE_PAUSE_MS = 250;
const READY_OPS = 100;
/** Recent rounds kept as a lag series in the state (status, the page's chart); older ones are in the summary. */
const MAX_LAG_SAMPLES = 600;
/** Consecutive failed rounds (transient errors only) before the step fails: about five minutes of backoff. */
const MAX_ROUND_FAILURES = 14;
/** How often capture checks that both indices are still the ones the ledger describes (sync/identity.ts). */
const IDENTITY_EVERY_MS = 5000;

function transient(error: unknown): boolean {
  return isRetryable(error) || (error instanceof ApplyError && error.transient);
}

export interface SyncRecord extends LagClock {
  rounds: number;
  /** Epoch ms of the last time the source's positions moved. */
  lastChangeAt: number;
  /** Sum of the source's max `_seq_no`s when last seen, to tell when it moved. */
  lastPositions: number;
  lastScanAt: number;
  /** Age of the oldest source change (write or delete) not yet on the destination, in ms (0 when caught up). */
  lagAgeMs?: number;
  switch?: SwitchRecord;
}

export const sync: Step<Partial<SyncRecord>> = {
  name: 'sync',
  describe: (plan) => [
    `capture changes on every shard of ${plan.sourceIndex} by _seq_no up to the global checkpoint; find deletes by counting per _seq_no range every ${plan.reconcileSeconds}s`,
    'write every change conditionally through the ledger: a document a client wrote on the dest stays the client’s, and the source change is reported as a conflict',
    'report lag (operations, age of the oldest) and say when the dest has caught up',
    plan.writeBlock
      ? 'at `ferry switch`: set index.blocks.write on the source (undo recorded), drain to its final positions, say "clients may write to the destination now" with the measured pause'
      : 'at `ferry switch`: record the source positions, catch up to them, say "move the clients now"',
    ...(plan.moveAliases
      ? [
          "at the switch, before the clients move: the source index's aliases stop taking writes (is_write_index: false, undo recorded)",
        ]
      : []),
    plan.writeBlock
      ? 'done once drained'
      : `done once the source had no write for ${plan.quietSeconds}s and nothing is left`,
  ],
  async run(ctx) {
    const data = syncRecord(ctx);
    const lose = ctx.testHooks.loseChanges;
    const sync = openSync(ctx, { loseUpdates: data.rounds === 0 ? lose : 0 });
    try {
      await checkIndices(ctx, sync.ledger);
      let identityCheckedAt = ctx.now().getTime();
      await sync.applier.recover();
      let failures = 0;
      const loop: RoundLoop = { pausedMs: 0, busy: false, quietShards: new Map() };
      for (;;) {
        if (await ctx.pauseRequested()) return { kind: 'paused' };
        if (
          cutoverPhase(data.switch) === 'capturing' &&
          switchGatePassed(switchGate(ctx)) &&
          (await ctx.switchSignalled())
        ) {
          data.switch = await recordSwitch(ctx);
          ctx.state.results.switchAcknowledgedAt = data.switch.requestedAt;
          await ctx.save();
          ctx.checkpoint('switch-recorded');
        }
        let outcome: StepOutcome | undefined;
        try {
          // Inside the try: a failover can make the positions read fail for a moment, like a round.
          if (ctx.now().getTime() - identityCheckedAt >= IDENTITY_EVERY_MS) {
            await checkIndices(ctx, sync.ledger);
            identityCheckedAt = ctx.now().getTime();
          }
          // A failed round can leave intents (a bulk whose answer was lost): settle them first.
          if (failures > 0) await sync.applier.recover();
          outcome = await round(ctx, sync, data, loop);
          failures = 0;
        } catch (error) {
          // What a failed round left is not known to be clean: every shard is scanned again.
          loop.quietShards.clear();
          // A node restarting or a primary failing over: the round is redone from the ledger's marks.
          if (!transient(error) || ++failures > MAX_ROUND_FAILURES) throw error;
          ctx.progress.warn(
            `sync: round failed (${String(error)}); trying again (${failures}/${MAX_ROUND_FAILURES})`,
          );
          await ctx.sleep(Math.min(30_000, 500 * 2 ** failures));
          continue;
        }
        if (outcome) return outcome;
        // Under a client load the next round starts at once: the lag is about one round, not a round and a wait.
        const pauseStarted = performance.now();
        if (!loop.busy) await ctx.sleep(IDLE_PAUSE_MS);
        loop.pausedMs = performance.now() - pauseStarted;
      }
    } finally {
      sync.close();
    }
  },
  async verify(ctx) {
    const data = ctx.data;
    const sync = openSync(ctx);
    try {
      if (!data.switch?.syncedAt || !reached(sync.ledger.marks(), data.switch.positions))
        throw new Error('sync ended before the destination held every change made before the switch');
    } finally {
      sync.close();
    }
  },
};

/** What decides whether a requested switch may start: `ferry set --postpone-switch`, and a caught_up hook. */
function switchGate(ctx: StepContext): Parameters<typeof switchGatePassed>[0] {
  return {
    postponed: ctx.controls?.switchPostponed() ?? false,
    caughtUpHook: Boolean(ctx.plan.hooks?.caught_up),
    readyAt: ctx.state.results.readyAt,
  };
}

/** The step's record, its counters started on the first run (the same object: saving it saves them). */
function syncRecord(ctx: StepContext<Partial<SyncRecord>>): SyncRecord {
  const d = ctx.data;
  return Object.assign(d, {
    rounds: d.rounds ?? 0,
    lastChangeAt: d.lastChangeAt ?? ctx.now().getTime(),
    lastPositions: d.lastPositions ?? -1,
    lastScanAt: d.lastScanAt ?? 0,
  });
}

/** What the round loop carries from one round to the next, in memory. */
interface RoundLoop {
  /** The wait before this round, counted in its timings. */
  pausedMs: number;
  /** Whether the last round found source operations to apply or deletes: then no wait before the next. */
  busy: boolean;
  /** Shards a delete scan found exactly as the ledger expects, with nothing since (round.ts). */
  quietShards: QuietShards;
}

async function round(
  ctx: StepContext,
  sync: SyncSession,
  data: SyncRecord,
  loop: RoundLoop,
): Promise<StepOutcome | undefined> {
  const { plan } = ctx;
  const started = performance.now();
  const now = () => ctx.now().getTime();
  const sw = data.switch;
  const scanDue = now() - data.lastScanAt >= plan.reconcileSeconds * 1000;
  const r = await catchUp({
    source: ctx.source,
    index: plan.sourceIndex,
    sync,
    // Once `ferry switch` is seen, every round scans deletes: the cutover moves on only after a scan.
    scanDeletes: scanDue || cutoverPhase(sw) !== 'capturing',
    onCommit: () => ctx.checkpoint('ledger-commit'),
    quietShards: loop.quietShards,
  });
  loop.busy = r.operations > 0 || (r.deletesFound ?? 0) > 0 || r.unknownOnSource > 0;
  data.rounds++;
  if (r.deletesFound !== undefined) data.lastScanAt = now();
  for (const reset of r.historyResets)
    ctx.progress.warn(
      `source shard ${reset.shard}: ${reset.reason} (a failover or a new history); its changes above _seq_no ${reset.safe} are read again (${reset.rows} document(s) rechecked)`,
    );
  if (r.scannedMarks) data.scannedMarks = r.scannedMarks;
  if (r.unknownOnSource > 0)
    ctx.progress.warn(
      `delete scan: ${r.unknownOnSource} source document(s) missing from the ledger (e.g. ${r.unknownIds.slice(0, 3).join(', ')}); capture reads their range again`,
    );
  const afterStarted = performance.now();
  const positions = await shardPositions(ctx.source, plan.sourceIndex);
  const total = positions.reduce((s, p) => s + p.maxSeqNo, 0);
  if (total !== data.lastPositions) {
    data.lastPositions = total;
    data.lastChangeAt = now();
  }
  const max: Marks = {};
  for (const p of positions) max[p.shard] = p.maxSeqNo;
  const marks = sync.ledger.marks();
  // Before any position is reached, the oldest change not applied may date from the backfill's marks.
  data.reachedAt ??= Date.parse(ctx.state.steps.backfill?.startedAt ?? ctx.now().toISOString());
  const lag = lagNow(data, marks, max, now());
  const lagOps = lag.writes.ops;
  data.lagAgeMs = Math.max(lag.writes.ageMs, lag.deletes.ageMs);
  await recordLag(ctx, data, r, lag);
  const next = afterRound(sw, { scanned: r.deletesFound !== undefined, marks: sync.ledger.marks() });
  if (next === 'refine') refine(sw!, max);
  else if (next === 'announce') await announceMove(ctx, sw!);
  const timings = keepTimings(ctx, r.times, {
    after: performance.now() - afterStarted,
    pause: loop.pausedMs,
    started,
  });
  const saveStarted = performance.now();
  await ctx.save();
  addLate(timings, 'save', performance.now() - saveStarted);
  ctx.checkpoint(sw ? 'window-round' : 'round');
  const quiet = (now() - data.lastChangeAt) / 1000 >= plan.quietSeconds;
  const drained = r.deletesFound === 0 && lagOps === 0;
  if (cutoverDone(sw, { quiet, drained })) return finish(ctx, sync, data);
  return undefined;
}

/** Adds the round's phase times (and the step's own: after the round, the wait before it) to the state's sums. */
function keepTimings(
  ctx: StepContext,
  times: PhaseTimes,
  own: { after: number; pause: number; started: number },
): PhaseSummary {
  const kept = ctx.state.results.roundTimings;
  const summary = isPhaseSummary(kept) ? kept : emptyPhaseSummary();
  addRound(summary, {
    ...times,
    after: own.after,
    pause: own.pause,
    round: performance.now() - own.started + own.pause,
  });
  ctx.state.results.roundTimings = summary;
  return summary;
}

/**
 * The dest holds every source change before the switch positions: the operator's move_clients hook runs (a
 * failure stops here, and resume runs it again), the aliases move to the dest index (one cluster) or stop taking
 * writes on the source (--move-aliases), and only then are the clients told to move.
 */
async function announceMove(ctx: StepContext, sw: SwitchRecord): Promise<void> {
  await ctx.hook('move_clients', { writeBlock: sw.blockedAt ? 1 : 0 });
  await switchSourceAliases(ctx);
  announce(sw, ctx.now());
  ctx.state.results.switchSyncedAt = sw.syncedAt;
  // What the operator waited for: from `ferry switch` until the clients may move (fenced: the pause is below).
  ctx.state.results.switchToMoveMs = ctx.now().getTime() - Date.parse(sw.requestedAt);
  if (sw.pauseMs !== undefined) ctx.state.results.writeBlockPauseMs = sw.pauseMs;
  ctx.progress.info(
    sw.blockedAt
      ? `switch: drained; clients may write to the destination now (source writes were blocked ${((sw.pauseMs ?? 0) / 1000).toFixed(1)}s)`
      : 'switch: the dest holds every change made on the source before the switch; move the clients now',
  );
}

async function recordLag(
  ctx: StepContext,
  data: SyncRecord,
  r: RoundResult,
  current: { writes: LagNow; deletes: LagNow },
): Promise<void> {
  const lagOps = current.writes.ops;
  const seconds = current.writes.ageMs / 1000;
  const at = ctx.now().toISOString();
  // The distributions over every round (p50/p99/max, bounded in size) for the report...
  const kept = ctx.state.results.lagSummary;
  const summary: LagResults = isLagResults(kept)
    ? kept
    : { now: { at, ...current }, writes: emptyDistribution(), deletes: emptyDistribution() };
  summary.now = { at, ...current };
  addSample(summary.writes, current.writes.ageMs);
  addSample(summary.deletes, current.deletes.ageMs);
  // Apart: rounds after the dest first caught up, so the catch-up after the backfill does not hide the steady lag.
  if (ctx.state.results.readyAt) {
    summary.steady ??= { writes: emptyDistribution(), deletes: emptyDistribution() };
    addSample(summary.steady.writes, current.writes.ageMs);
    addSample(summary.steady.deletes, current.deletes.ageMs);
  }
  ctx.state.results.lagSummary = summary;
  // ...and the recent rounds as a series for status and the charts (the last MAX_LAG_SAMPLES only).
  const series = ctx.state.results.lag ?? [];
  series.push({
    at,
    ops: lagOps,
    seconds: Number(seconds.toFixed(3)),
    writes: Number(seconds.toFixed(3)),
    deletes: Number((current.deletes.ageMs / 1000).toFixed(3)),
  });
  if (series.length > MAX_LAG_SAMPLES) series.splice(0, series.length - MAX_LAG_SAMPLES);
  ctx.state.results.lag = series;
  if (!data.switch && lagOps <= READY_OPS && !ctx.state.results.readyAt) {
    // A failing caught_up hook stops before the switch can start; resume catches up and runs it again.
    await ctx.hook('caught_up', { lagOps, lagSeconds: Number(seconds.toFixed(3)) });
    ctx.state.results.readyAt = ctx.now().toISOString();
    const started = ctx.state.steps.sync?.startedAt;
    if (started) ctx.state.results.catchUpMs = ctx.now().getTime() - Date.parse(started);
    ctx.progress.info(
      `caught up (lag ${lagOps} operations). When you are ready: ferry switch --id ${ctx.plan.id}${ctx.plan.writeBlock ? ' (blocks source writes for the final drain)' : ' (then move the clients when it says so)'}`,
    );
  }
  if (data.rounds % 20 === 0 || r.conflicts > 0)
    ctx.progress.info(
      `sync: round ${data.rounds}, lag ${lagOps} ops / ${seconds.toFixed(1)}s (deletes ${current.deletes.ops} ops / ${(current.deletes.ageMs / 1000).toFixed(1)}s), ${r.written} written, ${r.deleted} deleted, ${r.conflicts} conflict(s) this round`,
    );
}

async function finish(ctx: StepContext, sync: SyncSession, data: SyncRecord): Promise<StepOutcome> {
  const counts = sync.ledger.counts();
  const conflictsFile = await writeConflictsFile(ctx.plan, sync.ledger);
  await ctx.setResult('sync', {
    rounds: data.rounds,
    switchAt: data.switch?.requestedAt,
    conflicts: counts.conflicts,
    conflictsFile,
    ledger: counts,
    writeBlockMs: data.switch?.pauseMs,
  });
  return DONE;
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../../state/migration-state.js' {
  interface MigrationResults {
    /** When the dest first caught up after the backfill, and how long that catch-up took. */
    readyAt?: string;
    catchUpMs?: number;
    /** The switch: when `ferry switch` was seen, when the dest held every change made before it. */
    switchAcknowledgedAt?: string;
    switchSyncedAt?: string;
    /** From `ferry switch` to "move the clients now", and (fenced) how long source writes were blocked. */
    switchToMoveMs?: number;
    writeBlockPauseMs?: number;
    /** The recent lag series and its summary over every round. */
    lag?: LagSample[];
    lagSummary?: LagResults;
    roundTimings?: PhaseSummary;
    /** The sync step's totals once it ended, and where its conflicts file is. */
    sync?: {
      rounds: number;
      switchAt?: string;
      conflicts: number;
      conflictsFile: string;
      ledger: ReturnType<SyncSession['ledger']['counts']>;
      writeBlockMs?: number;
    };
  }
}
