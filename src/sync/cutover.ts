// The switch-over. Rolling (default): `ferry switch` is run before the clients move; Ferry records each source
// shard's position at that instant, catches up to it, and only then tells the operator to move the clients.
// Fenced (--write-block): Ferry blocks source writes (undo recorded first), waits until every shard's
// operations are settled, drains to them, and then says the clients may write to the destination; the pause
// is measured. Either way the rule in the applier holds: a document a client wrote on the destination is the
// client's, whenever that happened.
//
// The cutover as a state machine. Its state is the sync step's SwitchRecord (saved every round, so a killed run
// resumes in the same state); the sync step runs the rounds and does what each transition asks.
//
//   capturing       no switch yet: every change is captured, deletes scanned every --reconcile-seconds
//   draining        `ferry switch` seen: positions recorded (fenced: once the source write block settled them);
//                   every round scans deletes
//   refining        rolling only: the dest reached the positions once, and they moved up to where the source
//                   stood then; one more round, so what is still on its way when the clients move is that round
//   clients-moving  the dest holds every change made on the source before the positions: the move_clients hook
//                   ran, the aliases moved, "move the clients now" was said
//
//   capturing      -> draining        on `ferry switch`, once the gate passed (not postponed; a caught_up hook passed)
//   draining       -> refining        rolling: a round with a delete scan reached the positions
//   draining       -> clients-moving  fenced: the same
//   refining       -> clients-moving  a round with a delete scan reached the refined positions
//   clients-moving -> (step done)     fenced: at once; rolling: no source write for --quiet-seconds and a last
//                                     round and scan found nothing
import type { ClusterClient } from '../cluster/client.js';
import { type Marks, shardPositions } from './capture.js';
import type { SyncEnvironment } from './environment.js';

export type CutoverPhase = 'capturing' | 'draining' | 'refining' | 'clients-moving';

export function cutoverPhase(sw: SwitchRecord | undefined): CutoverPhase {
  if (!sw) return 'capturing';
  if (sw.syncedAt) return 'clients-moving';
  return sw.refined ? 'refining' : 'draining';
}

/** Whether a requested switch may be recorded now: not postponed, and a caught_up hook (if any) passed. */
export function switchGatePassed(o: {
  postponed: boolean;
  caughtUpHook: boolean;
  readyAt: unknown;
}): boolean {
  if (o.postponed) return false;
  return !o.caughtUpHook || typeof o.readyAt === 'string';
}

/** What the end of a round asks of the cutover. */
export type CutoverStep = 'none' | 'refine' | 'announce';

/**
 * After a round: a draining or refining cutover moves on once a round that scanned deletes reached the positions.
 * Rolling refines once (the positions move up to `max`); fenced, or rolling after refining, announces.
 */
export function afterRound(
  sw: SwitchRecord | undefined,
  round: { scanned: boolean; marks: Marks },
): CutoverStep {
  const phase = cutoverPhase(sw);
  if (phase !== 'draining' && phase !== 'refining') return 'none';
  if (!round.scanned || !reached(round.marks, sw!.positions)) return 'none';
  return sw!.blockedAt || sw!.refined ? 'announce' : 'refine';
}

/** Rolling: the positions move up once to where the source stands now. */
export function refine(sw: SwitchRecord, max: Marks): void {
  sw.positions = max;
  sw.refined = true;
}

/** The clients may move: records when, and (fenced) how long source writes were blocked. */
export function announce(sw: SwitchRecord, now: Date): void {
  sw.syncedAt = now.toISOString();
  if (sw.blockedAt) sw.pauseMs = now.getTime() - Date.parse(sw.blockedAt);
}

/** The step ends: fenced once the clients may move; rolling once the source went quiet and nothing is left. */
export function cutoverDone(sw: SwitchRecord | undefined, o: { quiet: boolean; drained: boolean }): boolean {
  return cutoverPhase(sw) === 'clients-moving' && (sw!.blockedAt !== undefined || (o.quiet && o.drained));
}

export interface SwitchRecord {
  /** When `ferry switch` was seen. */
  requestedAt: string;
  /** Per source shard, the highest `_seq_no` issued at the switch (after the block, when fenced). */
  positions: Marks;
  /** Set when the source write block went on (fenced). */
  blockedAt?: string;
  /** Rolling: the positions were moved up once to where the source stood when first reached. */
  refined?: boolean;
  /** When every source change made before the switch was on the destination: the clients may move. */
  syncedAt?: string;
  /** Fenced: how long source writes were blocked before the clients could write to the destination. */
  pauseMs?: number;
}

const SETTLE_POLL_MS = 100;
const SETTLE_LIMIT_MS = 30_000;

export async function recordSwitch(ctx: SyncEnvironment): Promise<SwitchRecord> {
  const { plan, source } = ctx;
  const requestedAt = ctx.now().toISOString();
  if (!plan.writeBlock) {
    const positions: Marks = {};
    for (const p of await shardPositions(source, plan.sourceIndex)) positions[p.shard] = p.maxSeqNo;
    return { requestedAt, positions };
  }
  await blockSourceWrites(ctx, 'write block for the final drain');
  const blockedAt = ctx.now().toISOString();
  return { requestedAt, blockedAt, positions: await settledPositions(ctx, source, plan.sourceIndex) };
}

/** Sets index.blocks.write on the source, after recording how to take it off. */
export async function blockSourceWrites(ctx: SyncEnvironment, reason: string): Promise<void> {
  const { plan, source } = ctx;
  const previous = (await source.getIndexSettings(plan.sourceIndex))['index.blocks.write'] ?? null;
  if (previous === 'true' || previous === true) return;
  await ctx.recordUndo({
    kind: 'restore-index-setting',
    side: 'source',
    index: plan.sourceIndex,
    setting: 'index.blocks.write',
    previous,
    reason,
  });
  await source.putIndexSettings(plan.sourceIndex, { 'index.blocks.write': true });
}

/**
 * With writes blocked, the positions once every shard's global checkpoint has reached its max `_seq_no` twice
 * in a row: a write admitted just before the block has then either landed or failed.
 */
export async function settledPositions(
  ctx: SyncEnvironment,
  source: ClusterClient,
  index: string,
): Promise<Marks> {
  let last = '';
  const started = ctx.now().getTime();
  for (;;) {
    const positions = await shardPositions(source, index);
    const marks: Marks = {};
    for (const p of positions) marks[p.shard] = p.maxSeqNo;
    const settled = positions.every((p) => p.globalCheckpoint >= p.maxSeqNo);
    const key = JSON.stringify(marks);
    if (settled && key === last) return marks;
    if (ctx.now().getTime() - started > SETTLE_LIMIT_MS)
      throw new Error(
        `the source's operations did not settle within ${SETTLE_LIMIT_MS / 1000}s of the write block (a replica behind?)`,
      );
    last = settled ? key : '';
    await ctx.sleep(SETTLE_POLL_MS);
  }
}

export function reached(marks: Marks, positions: Marks): boolean {
  return Object.entries(positions).every(([shard, pos]) => (marks[Number(shard)] ?? -1) >= pos);
}
