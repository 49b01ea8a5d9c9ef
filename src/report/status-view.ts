// What `ferry status` tells an operator, built from the saved state and a few local facts (the ledger's counts,
// whether the process that runs it is alive): the phase in words, each step with its progress, lag, conflicts,
// the source write block and the command to run next. Pure, so the wording is unit tested; `--json` carries the
// same view next to the whole state.

import { formatDuration } from '../core/time.js';
import {
  ACCEPT_COUNT_DRIFT,
  KEEP_SNAPSHOT,
  type MigrationResults,
  type MigrationState,
  type StepRecord,
} from '../state/migration-state.js';
import { type BackfillRecord, backfill } from '../steps/live/backfill.js';
import { recordOf } from '../steps/step.js';
import { isLagResults } from '../sync/lag.js';
import { type LagSummary, summariseLagSamples } from './lag-summary.js';
import { describeCatchUp, describeSteadyLag, describeSwitchTimes } from './lag-text.js';
import { rateAndEta } from './progress.js';
import { describeStepTime } from './step-time.js';

export interface StatusFacts {
  now: Date;
  /** From the ledger (live): documents whose dest copy a client owns, and conflicts recorded. */
  ledger?: { client: number; conflicts: number; written: number; deleted: number };
  /** The pid in run.lock and whether it is alive; undefined when no lock is held. */
  runner?: { pid: number; alive: boolean };
}

export interface StepView {
  name: string;
  /** The step's record, or `stopped` for one left running by a migration that no longer runs. */
  status: StepRecord['status'] | 'stopped';
  /** One line of progress (counts, rate, ETA, lag, duration), empty when there is nothing to say. */
  progress: string;
  /** Numbers behind the line, for --json. */
  numbers?: Record<string, number | undefined>;
}

export interface StatusView {
  id: string;
  strategy: MigrationState['strategy'];
  status: MigrationState['status'];
  /** The phase in the operator's words. */
  phase: string;
  source: string;
  dest: string;
  steps: StepView[];
  lag?: LagSummary;
  /** Lag over the rounds after the dest first caught up (p50/p99/max), in words. */
  steadyLag?: string;
  /** How long the catch-up after the backfill took, once caught up. */
  catchUp?: string;
  /** Once the switch finished: the time from `ferry switch` to "move the clients now" (and the fenced pause). */
  switchTimes?: string;
  conflicts?: number;
  clientOwned?: number;
  /** Whether Ferry holds a write block on the source, and until when. */
  sourceWriteBlock: string;
  /** What to do next, one command per line. */
  next: string[];
  /** Problems the operator must know of first (a failed step, a dead runner). */
  alerts: string[];
  /** Run flags kept in the state for every later resume (e.g. --accept-count-drift), with when they were given. */
  keptFlags: string[];
}

export function statusView(state: MigrationState, facts: StatusFacts): StatusView {
  const plan = state.plan;
  const r = state.results;
  const steps = Object.entries(state.steps).map(([name, step]) => stepView(name, step, state, facts));
  const lag = r.lag ? summariseLagSamples(r.lag) : undefined;
  const view: StatusView = {
    id: state.id,
    strategy: state.strategy,
    status: state.status,
    phase: phaseOf(state, facts),
    source: `${plan.source ?? '?'} ${plan.sourceIndex ?? '?'}`,
    dest: `${plan.dest ?? '?'} ${plan.destIndex ?? '?'}`,
    steps,
    sourceWriteBlock: writeBlockOf(state),
    next: nextCommands(state, facts),
    alerts: alertsOf(state, facts),
    keptFlags: keptFlagsOf(state),
  };
  if (lag) view.lag = lag;
  const steady = isLagResults(r.lagSummary) ? describeSteadyLag(r.lagSummary) : undefined;
  if (steady) view.steadyLag = steady;
  const catchUp = describeCatchUp(state.results);
  if (catchUp) view.catchUp = catchUp;
  const switchTimes = describeSwitchTimes(state.results);
  if (switchTimes) view.switchTimes = switchTimes;
  if (facts.ledger) {
    view.conflicts = facts.ledger.conflicts;
    view.clientOwned = facts.ledger.client;
  }
  return view;
}

function keptFlagsOf(state: MigrationState): string[] {
  const drift = state.confirmations[ACCEPT_COUNT_DRIFT];
  const keep = state.confirmations[KEEP_SNAPSHOT];
  return [
    ...(drift ? [`--accept-count-drift (given ${drift}; counts that differ do not stop the run)`] : []),
    ...(keep
      ? [`--keep-snapshot (given ${keep}; the snapshot and its repositories stay after the finish)`]
      : []),
  ];
}

/** The step the migration is at: the first one not done. */
function currentStep(state: MigrationState): [string, StepRecord] | undefined {
  return Object.entries(state.steps).find(([, s]) => s.status !== 'done');
}

function phaseOf(state: MigrationState, facts: StatusFacts): string {
  const r = state.results;
  if (state.status === 'aborted') return 'aborted: Ferry undid its changes';
  if (state.status === 'aborting')
    return facts.runner?.alive
      ? `aborting: undoing Ferry's changes, ${state.undo.length} left`
      : `aborting, stopped part-way: ${state.undo.length} change(s) still to undo`;
  if (state.status === 'done') return 'done: every step finished';
  const current = currentStep(state);
  if (!current) return 'all steps done';
  const [name, step] = current;
  const index = Object.keys(state.steps).indexOf(name) + 1;
  const of = `step ${index}/${Object.keys(state.steps).length} ${name}`;
  if (state.status === 'failed') return `failed at ${of}`;
  if (state.status === 'paused') return `paused at ${of}`;
  if (state.status === 'waiting')
    return `waiting for you at ${of} (${String(step.data.waitingFor ?? 'a gate')})`;
  if (facts.runner && !facts.runner.alive) return `stopped at ${of} (its process is gone)`;
  const words: Record<string, string> = {
    preflight: 'checking',
    create_dest_index: 'creating the dest index',
    backfill: 'copying every document (backfill)',
    snapshot_source: 'snapshotting the source index (backfill)',
    restore_dest: 'restoring the snapshot on the dest (backfill)',
    fill_ledger: 'listing the restored documents into the ledger (backfill)',
    final_verification: 'verifying document by document',
    cleanup: 'cleaning up (deleting the source)',
  };
  if (name === 'sync') return `${syncPhase(r)} (${of})`;
  return `${words[name] ?? 'running'} (${of})`;
}

function syncPhase(r: MigrationResults): string {
  if (r.switchSyncedAt) return 'switched: clients may use the dest; draining the last source changes';
  if (r.switchAcknowledgedAt) return 'switching: bringing the dest up to the source positions at the switch';
  if (r.readyAt) return 'caught up: capturing changes, waiting for `ferry switch`';
  return 'catching up: capturing changes made since the backfill started';
}

function stepView(name: string, step: StepRecord, state: MigrationState, facts: StatusFacts): StepView {
  const time = describeStepTime(step);
  const took = time && step.finishedAt ? `took ${time}` : time;
  const parts: string[] = [];
  let numbers: Record<string, number | undefined> | undefined;
  if (name === backfill.name) {
    const b = backfillProgress(step, recordOf(state, backfill), facts.now);
    if (b) {
      parts.push(b.line);
      numbers = b.numbers;
    }
  }
  if (name === 'sync' && (step.status !== 'pending' || step.attempts > 0)) {
    const rounds = step.data.rounds as number | undefined;
    if (rounds !== undefined) parts.push(`${rounds} capture rounds`);
    numbers = { rounds };
  }
  if (name === 'final_verification' && state.results.verification) {
    const v = state.results.verification;
    parts.push(
      `${v.sourceDocs} source / ${v.destDocs} dest documents, ${v.unexplained} unexplained difference(s)`,
    );
  }
  if (typeof step.data.taskId === 'string' && step.status !== 'done')
    parts.push(`task ${step.data.taskId} on the dest (a resumed run waits for it)`);
  // Two-pass: the count checks and the reindex task record their numbers in the step's data.
  const result = step.data.result as Record<string, unknown> | undefined;
  if (result && typeof result === 'object')
    parts.push(
      Object.entries(result)
        .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', '),
    );
  if (took) parts.push(took);
  if (step.error) parts.push(`error: ${step.error}`);
  // A step left `running` by a migration that is not running (paused, stopped) is not moving.
  const status = step.status === 'running' && state.status !== 'running' ? 'stopped' : step.status;
  // A step of the backfill method this migration does not use (steps/live/backfill-method.ts) says so.
  if (typeof step.data.skipped === 'string') parts.splice(0, parts.length, step.data.skipped);
  const view: StepView = { name, status, progress: parts.join(', ') };
  if (numbers) view.numbers = numbers;
  return view;
}

function backfillProgress(
  step: StepRecord,
  d: BackfillRecord,
  now: Date,
): { line: string; numbers: Record<string, number | undefined> } | undefined {
  if (step.status === 'done' && d.read !== undefined)
    return { line: `${d.read} docs copied`, numbers: { read: d.read, total: d.total } };
  if (!d.progress) return undefined;
  const { read, attemptRead, attemptAt, at } = d.progress;
  const { rate, etaSeconds } = rateAndEta(
    read - attemptRead,
    d.total && d.total - attemptRead,
    Date.parse(at) - Date.parse(attemptAt),
  );
  const pct = d.total ? ` (${Math.min(100, (read / d.total) * 100).toFixed(1)}%)` : '';
  const age = (now.getTime() - Date.parse(at)) / 1000;
  const running = step.status === 'running';
  const line = `${read}/${d.total ?? '?'} docs${pct}, ${Math.round(rate)} docs/s${running ? `, ETA ${formatDuration(etaSeconds)}` : ''} (as of ${formatDuration(age)} ago)`;
  return { line, numbers: { read, total: d.total, ratePerSecond: Math.round(rate), etaSeconds } };
}

function writeBlockOf(state: MigrationState): string {
  const block = state.undo.find(
    (u) => u.kind === 'restore-index-setting' && u.side === 'source' && u.setting === 'index.blocks.write',
  );
  const sourceIndex = state.plan.sourceIndex ?? '?';
  if (block)
    return `ON: Ferry blocked writes to ${sourceIndex} (${block.reason}); cleanup deletes the source, abort takes the block off`;
  if (state.plan.writeBlock && state.status !== 'done' && state.status !== 'aborted')
    return 'off (--write-block: Ferry blocks source writes at the switch for the final drain)';
  return 'off';
}

function nextCommands(state: MigrationState, facts: StatusFacts): string[] {
  const id = state.id;
  const r = state.results;
  const current = currentStep(state);
  switch (state.status) {
    case 'done':
      return [`ferry report --id ${id}   (the full report)`];
    case 'aborting':
      return facts.runner?.alive
        ? ['wait: the abort is running']
        : [`ferry abort --id ${id}   (the same command again finishes the abort)`];
    case 'aborted':
      return [`ferry run ... --id ${id}   (start again), or ferry forget --id ${id}`];
    case 'paused':
      return [`ferry resume --id ${id}   (continue)`, `ferry abort --id ${id}   (undo)`];
    case 'failed':
      return [`fix what the error says, then: ferry resume --id ${id}`, `or undo it: ferry abort --id ${id}`];
    case 'waiting': {
      const saved = current?.[1].data.instructions as string[] | undefined;
      if (saved && saved.length > 0) return saved;
      return [`ferry resume --id ${id}`];
    }
    default:
      if (facts.runner && !facts.runner.alive)
        return [`ferry resume --id ${id}   (continues from the saved progress)`, `ferry abort --id ${id}`];
      if (current?.[0] === 'sync' && r.readyAt && !r.switchAcknowledgedAt)
        return [
          `ferry switch --id ${id}   (when you are ready: returns when the clients may move)`,
          `ferry pause --id ${id}`,
        ];
      if (current?.[0] === 'sync' && r.switchAcknowledgedAt && !r.switchSyncedAt)
        return [`wait: \`ferry switch --id ${id}\` returns when the clients may move`];
      return [`wait (ferry status --id ${id} again), or ferry pause --id ${id}`];
  }
}

function alertsOf(state: MigrationState, facts: StatusFacts): string[] {
  const alerts: string[] = [];
  if (state.status === 'running' && facts.runner && !facts.runner.alive)
    alerts.push(
      `the state says running but process ${facts.runner.pid} is gone (killed?): nothing is moving; resume continues`,
    );
  if (state.status === 'running' && !facts.runner)
    alerts.push('the state says running but no ferry process holds the migration: nothing is moving');
  for (const [name, step] of Object.entries(state.steps))
    if (step.status === 'failed' && step.error) alerts.push(`${name} failed: ${step.error}`);
  return alerts;
}

/** The view as terminal lines: short, one fact per line, the detail one `--json` away. */
export function renderStatus(v: StatusView): string[] {
  const lines = [`migration ${v.id} (${v.strategy}): ${v.status}`, `  ${v.source} -> ${v.dest}`];
  for (const a of v.alerts) lines.push(`  ! ${a}`);
  lines.push(`phase: ${v.phase}`, 'steps:');
  const width = Math.max(...v.steps.map((s) => s.name.length));
  for (const s of v.steps)
    lines.push(`  ${s.status.padEnd(8)} ${s.progress ? `${s.name.padEnd(width)}  ${s.progress}` : s.name}`);
  if (v.lag)
    lines.push(
      `lag: now ${v.lag.nowOps} operations / ${v.lag.nowSeconds.toFixed(1)} s; max ${v.lag.maxOps} / ${v.lag.maxSeconds.toFixed(1)} s (last ${v.lag.rounds} rounds); deletes now ${v.lag.nowDeleteSeconds.toFixed(1)} s, max ${v.lag.maxDeleteSeconds.toFixed(1)} s`,
    );
  if (v.steadyLag) lines.push(`lag, steady state: ${v.steadyLag}`);
  if (v.catchUp) lines.push(`catch-up after the backfill: ${v.catchUp}`);
  if (v.switchTimes) lines.push(`switch: ${v.switchTimes}`);
  if (v.conflicts !== undefined)
    lines.push(
      `conflicts: ${v.conflicts} (a client's dest write won over a source change)${v.clientOwned ? `, on ${v.clientOwned} document(s)` : ''}`,
    );
  lines.push(`source write block: ${v.sourceWriteBlock}`);
  for (const f of v.keptFlags) lines.push(`kept for every resume: ${f}`);
  lines.push('next:');
  for (const n of v.next) lines.push(`  ${n}`);
  lines.push(`details: ferry status --id ${v.id} --json`);
  return lines;
}
