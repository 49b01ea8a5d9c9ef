// The report a migration ends with, built only from its saved state: what ran, how long each step took,
// what was copied, the lag, the switch-over conflicts and the verification.

import type { MigrationState } from '../state/migration-state.js';
import { describeUndo } from '../state/undo-action.js';
import type { LiveVerifySummary } from '../verify/live-verify.js';
import { describeLagDistribution, isLagResults } from './lag-text.js';
import { formatLossAudit, type LossAudit } from './loss-audit.js';
import { formatDuration } from './progress.js';

export function renderReport(state: MigrationState): string {
  const lines: string[] = [];
  const plan = state.plan as { source?: string; dest?: string; sourceIndex?: string; destIndex?: string };
  lines.push(`Ferry report: ${state.id} (${state.strategy}), ${state.status}`);
  lines.push(
    `  ${plan.source ?? '?'} ${plan.sourceIndex ?? ''} -> ${plan.dest ?? '?'} ${plan.destIndex ?? ''}`,
  );
  lines.push('', 'steps:');
  for (const [name, step] of Object.entries(state.steps)) {
    const took =
      step.startedAt && step.finishedAt
        ? formatDuration((Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000)
        : '';
    lines.push(
      `  ${step.status.padEnd(8)} ${name.padEnd(32)} ${took}${step.attempts > 1 ? `  (${step.attempts} attempts)` : ''}`,
    );
  }
  const r = state.results;
  if (r.backfill) lines.push('', `backfill: ${JSON.stringify(r.backfill)}`);
  if (isLagResults(r.lag))
    lines.push(
      `change capture, age of the oldest change not yet on the dest, sampled each round:`,
      `  ${describeLagDistribution('write', r.lag.writes)}`,
      `  ${describeLagDistribution('delete', r.lag.deletes)}`,
    );
  if (r.readyAt) lines.push(`caught up at ${String(r.readyAt)}`);
  if (r.switchAcknowledgedAt)
    lines.push(
      `switch acknowledged at ${String(r.switchAcknowledgedAt)}, pre-switch changes on the dest at ${String(r.switchSyncedAt ?? '?')}`,
    );
  const sync = r.sync as
    | { conflicts?: number; conflictsFile?: string; writeBlockMs?: number; ledger?: Record<string, number> }
    | undefined;
  if (sync) {
    lines.push(
      `conflicts (a client owned the dest document; the source change was not applied): ${sync.conflicts ?? 0}${sync.conflicts ? `, each in ${String(sync.conflictsFile)}` : ''}`,
    );
    if (sync.ledger) lines.push(`ledger: ${JSON.stringify(sync.ledger)}`);
    if (sync.writeBlockMs !== undefined)
      lines.push(`source write block (pause): ${(sync.writeBlockMs / 1000).toFixed(1)} s`);
  }
  const v = r.verification as LiveVerifySummary | undefined;
  if (v) {
    lines.push(
      '',
      `verification: ${v.sourceDocs} source / ${v.destDocs} dest documents (${v.seconds.toFixed(1)} s)`,
    );
    lines.push(`  by verdict: ${JSON.stringify(v.byVerdict)}`);
    lines.push(`  owned by clients (counted apart): ${v.clientOwned}, each in ${v.clientOwnedFile}`);
    lines.push(
      `  unexplained: ${v.unexplained}${v.unexplained === 0 ? ' (clean)' : `; every id in ${v.differencesFile}`}`,
    );
  }
  for (const key of ['firstPassCounts', 'secondPassCounts'])
    if (r[key]) lines.push(`${key}: ${JSON.stringify(r[key])}`);
  if (r.lossAudit)
    lines.push(
      '',
      'loss audit (what the applications wrote vs what the dest holds):',
      ...formatLossAudit(r.lossAudit as LossAudit).map((l) => `  ${l}`),
    );
  if (state.undo.length > 0) {
    lines.push('', 'ferry abort would undo, newest first:');
    for (const u of [...state.undo].reverse()) lines.push(`  - ${describeUndo(u)}`);
  }
  return lines.join('\n');
}
