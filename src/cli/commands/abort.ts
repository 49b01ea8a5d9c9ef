// ferry abort: undo everything Ferry changed, newest first, before the source is deleted. Every check runs
// before the first change, so a refusal changes nothing. Once it starts, the migration is `aborting`: resume
// and cleanup refuse it, and an abort stopped part-way (Ctrl-C, SIGTERM, a kill, a cluster error) is finished by
// running the same `ferry abort` again, because each undo is dropped from the state only after it is applied
// and every undo tolerates "already undone".
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { MigrationState } from '../../state/migration-state.js';
import { RunLock } from '../../state/run-lock.js';
import { allGuards, liveAbortGuard } from '../../steps/live-abort-guard.js';
import { readTestHooks, type TestHooks } from '../../steps/test-hooks.js';
import { applyUndo, checkTwoPassAbort, twoPassAbortGuard } from '../../steps/undo.js';
import { onInterrupt, stopGraceMs } from '../interrupt.js';
import { addConnectionFlags } from '../plan-flags.js';
import { type CommonFlags, connectSaved, loadSaved, progressFor } from '../session.js';
import { ledgerCounts, savedCommand } from './status.js';

interface AbortFlags extends CommonFlags {
  keepDelta?: boolean;
  deleteDelta?: boolean;
  deleteDest?: boolean;
  keepDest?: boolean;
}

export function registerAbortCommand(program: Command): void {
  addConnectionFlags(
    savedCommand(program, 'abort', 'undo everything Ferry changed (before the source is deleted)'),
  )
    .option('--keep-delta', 'two-pass: leave the delta index, with the writes it holds, on the source')
    .option('--delete-delta', 'two-pass: delete the delta index even though it holds writes')
    .option('--delete-dest', 'after clients moved: delete the dest index the clients wrote to')
    .option('--keep-dest', 'after clients moved: keep the dest index (with their writes), undo the rest')
    .action(abort);
}

async function abort(flags: AbortFlags): Promise<void> {
  const { plan, state, store } = await loadSaved(flags, { connect: true });
  refuseWhatCannotBeUndone(state, flags, plan);
  const choices = {
    keepDelta: !!flags.keepDelta,
    deleteDelta: !!flags.deleteDelta,
    deleteDest: !!flags.deleteDest,
  };
  const lock = await RunLock.acquire(store.dir);
  let stopAsked = false;
  const interrupt = onInterrupt(
    {
      requestStop: async () => {
        stopAsked = true;
      },
      stopNow: async () => {
        await store.freeze();
        await lock.release();
        console.error(stoppedMessage(state));
      },
      say: (message) => console.error(`\n${message}`),
    },
    stopGraceMs(),
  );
  try {
    const sides = await connectSaved(plan, state);
    try {
      if (flags.keepDest) {
        state.undo = state.undo.filter((a) => !(a.kind === 'delete-index' && a.side === 'dest'));
        state.results.keptDestIndex = plan.destIndex;
      }
      const liveGuard = liveAbortGuard(state, plan, sides.dest, choices.deleteDest, () => ledgerCounts(plan));
      // Before anything changes, so that a refusal leaves everything as it was; and again at each action.
      await checkTwoPassAbort(state, plan, sides.source, choices);
      for (const action of state.undo) await liveGuard(action);
      if (stopAsked) {
        console.error(`abort of ${state.id} stopped before it changed anything (state: ${state.status}).`);
        process.exitCode = 130;
        return;
      }
      state.status = 'aborting';
      await store.save(state);
      const finished = await applyUndo(state, store, sides, progressFor(flags), {
        guard: allGuards(twoPassAbortGuard(state, plan, sides.source, choices), liveGuard),
        stopRequested: () => stopAsked,
        afterEach: testSignalAfterUndo(readTestHooks()),
      });
      if (!finished) {
        console.error(stoppedMessage(state));
        process.exitCode = 130;
        return;
      }
      state.status = 'aborted';
      await store.save(state);
      console.log(abortMessage(state));
    } finally {
      await sides.close();
    }
  } finally {
    interrupt.remove();
    await lock.release();
  }
}

/** Checks that need no cluster: what abort can never do, or must be told how to do. */
function refuseWhatCannotBeUndone(
  state: MigrationState,
  flags: AbortFlags,
  plan: { id: string; destIndex: string; stateDir: string },
): void {
  if (state.steps.delete_index?.status === 'done' || state.steps.cleanup?.status === 'done') {
    throw new ConfigError(
      `Migration ${state.id} already deleted the source; there is nothing to roll back to.`,
      'The dest holds the data now.',
    );
  }
  if (flags.keepDelta && flags.deleteDelta)
    throw new ConfigError('--keep-delta and --delete-delta contradict each other.', 'Give one of them.');
  if (flags.keepDest && flags.deleteDest)
    throw new ConfigError('--keep-dest and --delete-dest contradict each other.', 'Give one of them.');
  // Live: once clients may have written to the dest (after the switch, or any client write in the ledger),
  // deleting it would delete their writes.
  const clientDocs = state.strategy === 'live' ? (ledgerCounts(plan)?.client ?? 0) : 0;
  const clientsMoved = state.strategy === 'live' && (!!state.results.switchAcknowledgedAt || clientDocs > 0);
  if (clientsMoved && !flags.keepDest && !flags.deleteDest && !state.results.keptDestIndex) {
    throw new ConfigError(
      `Migration ${state.id}: clients ${clientDocs > 0 ? `wrote ${clientDocs} document(s)` : 'may have written'} to ${plan.destIndex} on the dest, and an abort would delete it.`,
      `Run: ferry abort --id ${state.id} --keep-dest   (keeps the dest index; takes off the source write block and the rest), or --delete-dest to delete it anyway`,
    );
  }
}

function stoppedMessage(state: MigrationState): string {
  return `abort of ${state.id} stopped with ${state.undo.length} change(s) still to undo (state: aborting: resume and cleanup refuse it). Finish it with the same command: ferry abort --id ${state.id}`;
}

function abortMessage(state: MigrationState): string {
  const kept = state.results.keptDeltaIndex;
  if (kept)
    return `migration ${state.id} aborted: the source index takes writes again and what Ferry created is removed, except ${kept.index}, kept on the source with the ${kept.docs} document(s) applications wrote during the move (they are not in the source index: copy them back, or delete ${kept.index} when you no longer need them).`;
  if (state.results.keptDestIndex)
    return `migration ${state.id} aborted: the source is as it was; the dest index ${String(state.results.keptDestIndex)} was kept with what clients wrote there.`;
  return `migration ${state.id} aborted: the source is as it was and what Ferry created is removed.`;
}

/**
 * Test hook (test-hooks.ts): the process sends itself the signals once n undo actions are applied, exactly as an
 * operator's Ctrl-C (or kill) at that moment.
 */
function testSignalAfterUndo(hooks: TestHooks): (() => Promise<void>) | undefined {
  const spec = hooks.signalAfterUndo;
  if (!spec) return undefined;
  let applied = 0;
  return async () => {
    if (++applied !== spec.after) return;
    for (const signal of spec.signals) process.kill(process.pid, signal);
    // Signals arrive through the event loop: let them, as they would while the next request was on its way.
    await new Promise((resolve) => setTimeout(resolve, 200));
  };
}
