// ferry status / pause / abort: look at, stop, or undo a saved migration, from any shell.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../cluster/errors.js';
import { renderReport } from '../../report/final-report.js';
import { auditDestination, formatLossAudit, readWorkloadReport } from '../../report/loss-audit.js';
import type { MigrationState } from '../../state/migration-state.js';
import { raiseSignal } from '../../state/operator-signal.js';
import { RunLock } from '../../state/run-lock.js';
import { describeUndo } from '../../state/undo-action.js';
import { applyUndo, checkTwoPassAbort, twoPassAbortGuard } from '../../steps/undo.js';
import { Ledger } from '../../sync/ledger.js';
import { ledgerPath } from '../../sync/open.js';
import { addConnectionFlags } from '../plan-flags.js';
import { type CommonFlags, connectSaved, loadSaved, progressFor } from '../session.js';
import { registerListCommands } from './list.js';
import { formatResults } from './results-text.js';

interface AbortFlags extends CommonFlags {
  keepDelta?: boolean;
  deleteDelta?: boolean;
  deleteDest?: boolean;
  keepDest?: boolean;
}

function abortMessage(state: MigrationState): string {
  const kept = state.results.keptDeltaIndex as { index: string; docs: number } | undefined;
  if (kept)
    return `migration ${state.id} aborted: the source index takes writes again and what Ferry created is removed, except ${kept.index}, kept on the source with the ${kept.docs} document(s) applications wrote during the move (they are not in the source index: copy them back, or delete ${kept.index} when you no longer need them).`;
  if (state.results.keptDestIndex)
    return `migration ${state.id} aborted: the source is as it was; the dest index ${String(state.results.keptDestIndex)} was kept with what clients wrote there.`;
  return `migration ${state.id} aborted: the source is as it was and what Ferry created is removed.`;
}

function savedCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--id <id>', 'migration name')
    .option('--state-dir <dir>', 'where progress is saved (default: .ferry)')
    .option('--json', 'machine-readable output')
    .option('--quiet', 'no progress output');
}

export function registerStatusCommands(program: Command): void {
  savedCommand(program, 'status', 'show where a migration is').action(async (flags: CommonFlags) => {
    const { state } = await loadSaved(flags);
    if (flags.json) {
      console.log(JSON.stringify(state, null, 2));
      return;
    }
    console.log(`migration ${state.id} (${state.strategy}): ${state.status}, updated ${state.updatedAt}`);
    for (const [name, step] of Object.entries(state.steps)) {
      const extra = step.error
        ? `  error: ${step.error}`
        : step.data.waitingFor
          ? `  waiting for: ${String(step.data.waitingFor)}`
          : '';
      console.log(
        `  ${step.status.padEnd(8)} ${name}${step.attempts > 1 ? ` (attempts ${step.attempts})` : ''}${extra}`,
      );
    }
    if (state.undo.length > 0) {
      console.log('abort would undo, newest first:');
      for (const u of [...state.undo].reverse()) console.log(`  - ${describeUndo(u)}`);
    }
    for (const line of formatResults(state.results)) console.log(line);
  });

  savedCommand(program, 'report', 'print the final report of a migration').action(
    async (flags: CommonFlags) => {
      const { state } = await loadSaved(flags);
      console.log(flags.json ? JSON.stringify(state.results, null, 2) : renderReport(state));
    },
  );

  addConnectionFlags(
    savedCommand(
      program,
      'audit',
      'compare the dest with what the applications wrote (a workload report) and tally losses',
    ),
  )
    .requiredOption(
      '--workload-report <file>',
      "JSON report of the applications' writes (scripts/workload.ts run --out)",
    )
    .action(async (flags: CommonFlags & { workloadReport: string }) => {
      const { plan, state, store } = await loadSaved(flags, { connect: true });
      const report = await readWorkloadReport(flags.workloadReport);
      const sides = await connectSaved(plan, state);
      try {
        const audit = await auditDestination(sides.dest, plan.destIndex, report);
        state.results.lossAudit = audit;
        await store.save(state);
        console.log(flags.json ? JSON.stringify(audit, null, 2) : formatLossAudit(audit).join('\n'));
      } finally {
        await sides.close();
      }
    });

  savedCommand(program, 'pause', 'ask a running migration to stop at its next checkpoint').action(
    async (flags: CommonFlags) => {
      const { state, store } = await loadSaved(flags);
      await raiseSignal(store.dir, 'pause');
      console.log(`pause requested for ${state.id}; continue later with: ferry resume --id ${state.id}`);
    },
  );

  addConnectionFlags(
    savedCommand(program, 'abort', 'undo everything Ferry changed (before the source is deleted)'),
  )
    .option('--keep-delta', 'two-pass: leave the delta index, with the writes it holds, on the source')
    .option('--delete-delta', 'two-pass: delete the delta index even though it holds writes')
    .option('--delete-dest', 'after clients moved: delete the dest index the clients wrote to')
    .option('--keep-dest', 'after clients moved: keep the dest index (with their writes), undo the rest')
    .action(async (flags: AbortFlags) => {
      const { plan, state, store } = await loadSaved(flags, { connect: true });
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
      const choices = {
        keepDelta: !!flags.keepDelta,
        deleteDelta: !!flags.deleteDelta,
        deleteDest: !!flags.deleteDest,
      };
      // Live: once clients may have written to the dest (after the switch, or any client write in the ledger),
      // deleting it would delete their writes.
      const clientDocs = state.strategy === 'live' ? clientOwnedCount(plan) : 0;
      const clientsMoved =
        state.strategy === 'live' && (!!state.results.switchAcknowledgedAt || clientDocs > 0);
      if (clientsMoved && !flags.keepDest && !flags.deleteDest) {
        throw new ConfigError(
          `Migration ${state.id}: clients ${clientDocs > 0 ? `wrote ${clientDocs} document(s)` : 'may have written'} to ${plan.destIndex} on the dest, and an abort would delete it.`,
          `Run: ferry abort --id ${state.id} --keep-dest   (keeps the dest index; takes off the source write block and the rest), or --delete-dest to delete it anyway`,
        );
      }
      const lock = await RunLock.acquire(store.dir);
      try {
        const sides = await connectSaved(plan, state);
        try {
          if (flags.keepDest) {
            state.undo = state.undo.filter((a) => !(a.kind === 'delete-index' && a.side === 'dest'));
            state.results.keptDestIndex = plan.destIndex;
          }
          await checkTwoPassAbort(state, plan, sides.source, choices);
          const guard = twoPassAbortGuard(state, plan, sides.source, choices);
          await applyUndo(state, store, sides, progressFor(flags), guard);
          state.status = 'aborted';
          await store.save(state);
          console.log(abortMessage(state));
        } finally {
          await sides.close();
        }
      } finally {
        await lock.release();
      }
    });

  registerListCommands(program);
}

/** Documents the ledger shows a client wrote on the dest (clients that moved early, before any switch). */
function clientOwnedCount(plan: { stateDir: string; id: string }): number {
  const path = ledgerPath(plan.stateDir, plan.id);
  if (!existsSync(path)) return 0;
  const ledger = new Ledger(path);
  try {
    return ledger.counts().client;
  } finally {
    ledger.close();
  }
}
