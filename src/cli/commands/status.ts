// ferry status / pause / abort: look at, stop, or undo a saved migration, from any shell.
import type { Command } from 'commander';
import { ConfigError } from '../../cluster/errors.js';
import { renderReport } from '../../report/final-report.js';
import { auditDestination, formatLossAudit, readWorkloadReport } from '../../report/loss-audit.js';
import type { MigrationState } from '../../state/migration-state.js';
import { raiseSignal } from '../../state/operator-signal.js';
import { RunLock } from '../../state/run-lock.js';
import { describeUndo } from '../../state/undo-action.js';
import { applyUndo, checkTwoPassAbort, twoPassAbortGuard } from '../../steps/undo.js';
import { addConnectionFlags } from '../plan-flags.js';
import { type CommonFlags, connectSaved, loadSaved, progressFor } from '../session.js';
import { registerListCommands } from './list.js';
import { formatResults } from './results-text.js';

interface AbortFlags extends CommonFlags {
  keepDelta?: boolean;
  deleteDelta?: boolean;
  deleteDest?: boolean;
}

function abortMessage(state: MigrationState): string {
  const kept = state.results.keptDeltaIndex as { index: string; docs: number } | undefined;
  if (kept)
    return `migration ${state.id} aborted: the source index takes writes again and what Ferry created is removed, except ${kept.index}, kept on the source with the ${kept.docs} document(s) applications wrote during the move (they are not in the source index: copy them back, or delete ${kept.index} when you no longer need them).`;
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

  savedCommand(program, 'switch', 'tell a live migration that the clients now use the dest').action(
    async (flags: CommonFlags) => {
      const { state, store } = await loadSaved(flags);
      await raiseSignal(store.dir, 'switch');
      // Wait for the running migration to take note, so the operator knows when the rule is in force.
      for (let waited = 0; waited < 120_000; waited += 250) {
        const now = await store.load();
        if (now?.results.switchSyncedAt) {
          console.log(
            `switch acknowledged by ${state.id} at ${String(now.results.switchAcknowledgedAt)}; every source change made before it is on the dest (${String(now.results.switchSyncedAt)}). Dest writes win from now on; Ferry drains when the source is quiet.`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      console.log(
        `switch recorded for ${state.id}; it takes effect when the migration runs (ferry resume --id ${state.id}).`,
      );
    },
  );

  addConnectionFlags(
    savedCommand(program, 'abort', 'undo everything Ferry changed (before the source is deleted)'),
  )
    .option('--keep-delta', 'two-pass: leave the delta index, with the writes it holds, on the source')
    .option('--delete-delta', 'two-pass: delete the delta index even though it holds writes')
    .option('--delete-dest', 'two-pass, after the client switch: delete the dest index the clients wrote to')
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
      const choices = {
        keepDelta: !!flags.keepDelta,
        deleteDelta: !!flags.deleteDelta,
        deleteDest: !!flags.deleteDest,
      };
      const lock = await RunLock.acquire(store.dir);
      try {
        const sides = await connectSaved(plan, state);
        try {
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
