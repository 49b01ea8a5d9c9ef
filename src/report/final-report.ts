// The report a migration ends with, built only from its saved state: what ran, how long each step took,
// what was copied, the lag, the switch-over conflicts and the verification.

import type { AliasDefinition } from '../cluster/aliases.js';
import { describeAlias, type NotCarried } from '../plan/dest-aliases.js';
import type { MigrationState } from '../state/migration-state.js';
import { describeUndo } from '../state/undo-action.js';
import type { LagSample } from '../sync/lag.js';
import { isLagResults } from '../sync/lag.js';
import { describeRoundShares, isPhaseSummary } from '../sync/round-timings.js';
import type { LiveVerifySummary } from '../verify/live-verify.js';
import { summariseLagSamples } from './lag-summary.js';
import {
  describeCatchUp,
  describeLagDistribution,
  describeSteadyLag,
  describeSwitchTimes,
} from './lag-text.js';
import { formatLossAudit, type LossAudit } from './loss-audit.js';
import { operatorReport } from './operator-report.js';
import { describeRecord, words } from './record-text.js';
import { describeStepTime } from './step-time.js';

export function renderReport(state: MigrationState): string {
  const lines: string[] = [];
  const plan = state.plan;
  lines.push(`Ferry report: ${state.id} (${state.strategy}), ${state.status}`);
  lines.push(
    `  ${plan.source ?? '?'} ${plan.sourceIndex ?? ''} -> ${plan.dest ?? '?'} ${plan.destIndex ?? ''}`,
  );
  lines.push('', 'steps:');
  for (const [name, step] of Object.entries(state.steps)) {
    lines.push(
      `  ${step.status.padEnd(8)} ${name.padEnd(32)} ${describeStepTime(step)}${typeof step.data.skipped === 'string' ? `skipped: ${step.data.skipped}` : ''}`,
    );
  }
  const r = state.results;
  lines.push(...carriedLines(r));
  if (r.backfill) lines.push('', `backfill: ${describeRecord(r.backfill)}`);
  const lag = summariseLagSamples((r.lag as LagSample[] | undefined) ?? []);
  if (lag)
    lines.push(
      `change capture: lag max ${lag.maxOps} operations / ${lag.maxSeconds.toFixed(1)} s, last ${lag.nowOps} / ${lag.nowSeconds.toFixed(1)} s (over the last ${lag.rounds} rounds)`,
    );
  const catchUp = describeCatchUp(r);
  if (catchUp) lines.push(`catch-up after the backfill: ${catchUp}`);
  if (isLagResults(r.lagSummary)) {
    const steady = describeSteadyLag(r.lagSummary);
    lines.push(
      `change capture, age of the oldest change not yet on the dest, sampled each round:`,
      `  steady state: ${steady ?? 'no round after caught up'}`,
      `  all rounds (the catch-up included): ${describeLagDistribution('write', r.lagSummary.writes)}; ${describeLagDistribution('delete', r.lagSummary.deletes)}`,
    );
  }
  if (isPhaseSummary(r.roundTimings))
    lines.push(`sync rounds, where their time went: ${describeRoundShares(r.roundTimings)}`);
  if (r.readyAt && !catchUp) lines.push(`caught up at ${String(r.readyAt)}`);
  if (r.switchAcknowledgedAt)
    lines.push(
      `switch acknowledged at ${String(r.switchAcknowledgedAt)}, pre-switch changes on the dest at ${String(r.switchSyncedAt ?? '?')}`,
    );
  const switchTimes = describeSwitchTimes(r);
  if (switchTimes) lines.push(`switch: ${switchTimes}`);
  const sync = r.sync as
    | { conflicts?: number; conflictsFile?: string; writeBlockMs?: number; ledger?: Record<string, number> }
    | undefined;
  if (sync) {
    lines.push(
      `conflicts (a client owned the dest document; the source change was not applied): ${sync.conflicts ?? 0}${sync.conflicts ? `, each in ${String(sync.conflictsFile)}` : ''}`,
    );
    if (sync.ledger) lines.push(describeLedger(sync.ledger));
    if (sync.writeBlockMs !== undefined && !switchTimes)
      lines.push(`source write block (pause): ${(sync.writeBlockMs / 1000).toFixed(1)} s`);
  }
  const v = r.verification as LiveVerifySummary | undefined;
  if (v) {
    lines.push(
      '',
      `verification: ${v.sourceDocs} source / ${v.destDocs} dest documents (${v.seconds.toFixed(1)} s)`,
    );
    lines.push(`  by verdict: ${describeRecord(v.byVerdict)}`);
    lines.push(`  owned by clients (counted apart): ${v.clientOwned}, each in ${v.clientOwnedFile}`);
    lines.push(
      `  unexplained: ${v.unexplained}${v.unexplained === 0 ? ' (clean)' : `; every id in ${v.differencesFile}`}`,
    );
  }
  for (const key of ['firstPassCounts', 'secondPassCounts'])
    if (r[key]) lines.push(`${words(key)}: ${describeRecord(r[key])}`);
  if (r.lossAudit)
    lines.push(
      '',
      'loss audit (what the applications wrote vs what the dest holds):',
      ...formatLossAudit(r.lossAudit as LossAudit).map((l) => `  ${l}`),
    );
  lines.push(...operatorReport(r));
  if (state.undo.length > 0) {
    lines.push('', 'ferry abort would undo, newest first:');
    for (const u of [...state.undo].reverse()) lines.push(`  - ${describeUndo(u)}`);
  }
  return lines.join('\n');
}

/** What the dest index got from the source besides documents, and every setting, pipeline or alias it did not. */
function carriedLines(r: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const aliases = r.aliasesCarried as Record<string, AliasDefinition> | undefined;
  const later = r.aliasesAtSwitch as Record<string, AliasDefinition> | undefined;
  if (aliases) {
    const names = Object.entries(aliases).map(([a, d]) => describeAlias(a, d));
    const none = later ? 'none at creation' : 'none (the source had none)';
    lines.push('', `aliases carried to the dest: ${names.length > 0 ? names.join(', ') : none}`);
  }
  if (later)
    lines.push(
      `aliases left on the source index until the switch (one cluster): ${Object.entries(later)
        .map(([a, d]) => describeAlias(a, d))
        .join(', ')}`,
    );
  const moved = r.aliasesMoved as { at: string; aliases: string[]; toDest?: boolean } | undefined;
  if (moved)
    lines.push(
      moved.toDest
        ? `aliases moved at the switch (${moved.at}): ${moved.aliases.join(', ')} moved from the source index to the dest index in one request`
        : `aliases moved at the switch (${moved.at}): ${moved.aliases.join(', ')} no longer take writes on the source`,
    );
  const missing = r.notCarried as NotCarried[] | undefined;
  if (missing && missing.length > 0) {
    lines.push('not carried to the dest (set them there yourself if still wanted):');
    for (const m of missing) lines.push(`  - ${m.what} = ${JSON.stringify(m.value)}: ${m.why}`);
  } else if (missing) lines.push('not carried to the dest: nothing beyond what the dest server sets itself');
  return lines;
}

/**
 * The ledger knows a document is a client's only when a source change for it was refused; the verification
 * lists every document clients wrote or deleted. Named so the two counts do not read as one contradicting the other.
 */
export function describeLedger(ledger: Record<string, number>): string {
  const { docs, written, deleted, client, conflicts: _counted, ...rest } = ledger;
  const parts = [
    `documents ${docs ?? 0}`,
    `written by Ferry ${written ?? 0}`,
    `deleted by Ferry ${deleted ?? 0}`,
    `source changes not applied (client owned the document): ${client ?? 0}`,
  ];
  if (Object.keys(rest).length > 0) parts.push(describeRecord(rest));
  return `ledger: ${parts.join(', ')}`;
}
