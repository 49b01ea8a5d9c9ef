// ferry status / report / audit / pause: look at or stop a saved migration, from any shell (abort.ts undoes one).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { renderReport } from '../../report/final-report.js';
import { writeHtmlReport } from '../../report/html-report.js';
import {
  auditDestination,
  auditVerdict,
  formatLossAudit,
  readWorkloadReport,
} from '../../report/loss-audit.js';
import { operatorStatus } from '../../report/operator-report.js';
import { renderStatus, statusView } from '../../report/status-view.js';
import { raiseSignal } from '../../state/operator-signal.js';
import { lockHolder } from '../../state/run-lock.js';
import { Ledger } from '../../sync/ledger.js';
import { ledgerPath } from '../../sync/open.js';
import { printOutcome } from '../command-outcome.js';
import { addConnectionFlags } from '../plan-flags.js';
import { type CommonFlags, connectSaved, loadSaved } from '../session.js';
import { registerListCommands } from './list.js';
import { addWebFlags, serveUntilStopped, type WebFlags } from './status-web.js';

export function savedCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--id <id>', 'migration name')
    .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
    .option('--json', 'machine-readable output')
    .option('--quiet', 'no progress output');
}

export function registerStatusCommands(program: Command): void {
  addWebFlags(savedCommand(program, 'status', 'show where a migration is and what to do next')).action(
    async (flags: CommonFlags & WebFlags) => {
      const { plan, state, store } = await loadSaved(flags);
      if (flags.web) return serveUntilStopped(store, flags.port);
      const view = statusView(state, {
        now: new Date(),
        ledger: ledgerCounts(plan),
        runner: await lockHolder(store.dir),
      });
      if (flags.json) console.log(JSON.stringify({ ...state, summary: view }, null, 2));
      else console.log([...renderStatus(view), ...operatorStatus(state.results)].join('\n'));
    },
  );

  savedCommand(program, 'report', 'print the final report of a migration')
    .option('--html <file>', 'also write it as a self-contained HTML file with charts')
    .action(async (flags: CommonFlags & { html?: string }) => {
      const { state } = await loadSaved(flags);
      if (flags.html) {
        await writeHtmlReport(state, flags.html);
        console.error(`HTML report written to ${flags.html}`);
      }
      console.log(flags.json ? JSON.stringify(state.results, null, 2) : renderReport(state));
    });

  addConnectionFlags(
    savedCommand(
      program,
      'audit',
      'compare the dest with what the applications wrote (a workload report) and tally losses; the first line is the verdict; exit 1 when a document is lost, resurrected or stale, 0 when none is',
    ),
  )
    .requiredOption(
      '--workload-report <file>',
      "JSON report of the applications' writes (scripts/workload.ts run --out, or the format in docs/operating.md)",
    )
    .action(async (flags: CommonFlags & { workloadReport: string }) => {
      const { plan, state, store } = await loadSaved(flags, { connect: true });
      const report = await readWorkloadReport(flags.workloadReport);
      const sides = await connectSaved(plan, state);
      try {
        const audit = await auditDestination(sides.dest, plan.destIndex, report);
        state.results.lossAudit = audit;
        await store.save(state);
        const verdict = auditVerdict(audit);
        // With --json, stdout stays one JSON document; the verdict goes to stderr.
        if (flags.json) {
          console.error(verdict.line);
          console.log(JSON.stringify(audit, null, 2));
        } else console.log([verdict.line, ...formatLossAudit(audit)].join('\n'));
        if (!verdict.clean) process.exitCode = 1;
      } finally {
        await sides.close();
      }
    });

  savedCommand(program, 'pause', 'ask a running migration to stop at its next checkpoint').action(
    async (flags: CommonFlags) => {
      const { state, store } = await loadSaved(flags);
      const runner = await lockHolder(store.dir);
      const answer = { id: state.id, command: 'pause', migrationStatus: state.status };
      if (!runner?.alive) {
        // A signal left for no process would stop the next run (or cleanup) at once.
        const message = `migration ${state.id} is not running (${state.status}); nothing to pause. ferry status --id ${state.id} says what comes next.`;
        return printOutcome({ ...answer, status: 'not-running', message }, flags.json);
      }
      await raiseSignal(store.dir, 'pause');
      const message = `pause requested for ${state.id}; continue later with: ferry resume --id ${state.id}`;
      printOutcome({ ...answer, status: 'pause-requested', pid: runner.pid, message }, flags.json);
    },
  );

  registerListCommands(program);
}

/** The live ledger's counts, read beside a running migration (SQLite WAL readers do not block its writer). */
export function ledgerCounts(plan: {
  stateDir: string;
  id: string;
}): ReturnType<Ledger['counts']> | undefined {
  const path = ledgerPath(plan.stateDir, plan.id);
  if (!existsSync(path)) return undefined;
  const ledger = new Ledger(path);
  try {
    return ledger.counts();
  } finally {
    ledger.close();
  }
}
