// ferry status / pause / abort: look at, stop, or undo a saved migration, from any shell.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../cluster/errors.js';
import { renderReport } from '../../report/final-report.js';
import { auditDestination, formatLossAudit, readWorkloadReport } from '../../report/loss-audit.js';
import { raiseSignal } from '../../state/operator-signal.js';
import { RunLock } from '../../state/run-lock.js';
import { describeUndo } from '../../state/undo-action.js';
import { applyUndo } from '../../steps/undo.js';
import { Ledger } from '../../sync/ledger.js';
import { ledgerPath } from '../../sync/open.js';
import { type CommonFlags, connectSides, loadSaved, progressFor } from '../session.js';

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
    for (const [key, value] of Object.entries(state.results)) console.log(`${key}: ${JSON.stringify(value)}`);
  });

  savedCommand(program, 'report', 'print the final report of a migration').action(
    async (flags: CommonFlags) => {
      const { state } = await loadSaved(flags);
      console.log(flags.json ? JSON.stringify(state.results, null, 2) : renderReport(state));
    },
  );

  savedCommand(
    program,
    'audit',
    'compare the dest with what the applications wrote (a workload report) and tally losses',
  )
    .requiredOption(
      '--workload-report <file>',
      "JSON report of the applications' writes (scripts/workload.ts run --out)",
    )
    .action(async (flags: CommonFlags & { workloadReport: string }) => {
      const { plan, state, store } = await loadSaved(flags);
      const report = await readWorkloadReport(flags.workloadReport);
      const sides = await connectSides(plan);
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

  savedCommand(program, 'abort', 'undo everything Ferry changed (before the source is deleted)')
    .option('--keep-dest', 'after the switch: keep the dest index (clients wrote there), undo the rest')
    .action(async (flags: CommonFlags & { keepDest?: boolean }) => {
      const { plan, state, store } = await loadSaved(flags);
      if (state.steps.delete_index?.status === 'done' || state.steps.cleanup?.status === 'done') {
        throw new ConfigError(
          `Migration ${state.id} already deleted the source; there is nothing to roll back to.`,
          'The dest holds the data now.',
        );
      }
      // After the switch, clients write to the dest: deleting it would delete their writes.
      const clientDocs = clientOwnedCount(plan);
      if ((state.results.switchAcknowledgedAt || clientDocs > 0) && !flags.keepDest) {
        throw new ConfigError(
          `Migration ${state.id}: clients ${clientDocs > 0 ? `wrote ${clientDocs} document(s)` : 'may have written'} to ${plan.destIndex} on the dest, and an abort would delete it.`,
          `Run: ferry abort --id ${state.id} --keep-dest   (keeps the dest index; takes off the source write block and the rest)`,
        );
      }
      const lock = await RunLock.acquire(store.dir);
      const sides = await connectSides(plan);
      try {
        if (flags.keepDest)
          state.undo = state.undo.filter((a) => !(a.kind === 'delete-index' && a.side === 'dest'));
        await applyUndo(state, store, sides, progressFor(flags));
        state.status = 'aborted';
        await store.save(state);
        console.log(
          flags.keepDest
            ? `migration ${state.id} aborted: the source is as it was; the dest index ${plan.destIndex} was kept.`
            : `migration ${state.id} aborted: the source is as it was and what Ferry created is removed.`,
        );
      } finally {
        await sides.close();
        await lock.release();
      }
    });
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
