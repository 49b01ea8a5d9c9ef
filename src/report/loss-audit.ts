// The two-pass loss audit: per operation type the applications used, how many documents ended as the
// applications meant (kept), missing (lost), back after a delete (resurrected) or with an older content
// (stale), and how many errors the applications saw. Rows are keyed by the last operation on each document.
import { readFile } from 'node:fs/promises';
import { compareWithOracle } from '../audit/compare.js';
import { OP_TYPES, type OpCounts, type OpType, type WorkloadReport } from '../audit/record.js';
import { reportFromJson, type WorkloadReportJson } from '../audit/record-json.js';
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';

export interface LossAuditRow {
  /** Operation type, or "initial" for documents no application wrote during the move. */
  type: string;
  /** Operations of this type that the applications saw succeed. */
  succeeded: number;
  /** Errors the applications saw for this type (e.g. version conflicts), by status. */
  clientErrors: Record<string, number>;
  kept: number;
  lost: number;
  resurrected: number;
  stale: number;
}

export interface LossAudit {
  rows: LossAuditRow[];
  checked: number;
  uncertain: number;
  extra: number;
}

export async function auditDestination(
  dest: ClusterClient,
  index: string,
  report: WorkloadReport,
): Promise<LossAudit> {
  const comparison = await compareWithOracle(dest, index, report.expected, {
    lastOpByType: report.lastOpByType,
    uncertain: report.uncertain,
  });
  const rows: LossAuditRow[] = [];
  for (const type of ['initial', ...OP_TYPES] as const) {
    const counts = comparison.byOrigin[type] ?? { kept: 0, lost: 0, resurrected: 0, stale: 0 };
    const clientErrors: Record<string, number> = {};
    for (const e of report.errors.filter((x) => x.type === type)) {
      const key = `${e.status} ${e.errorType}`.trim();
      clientErrors[key] = (clientErrors[key] ?? 0) + 1;
    }
    const succeeded = type === 'initial' ? 0 : report.ops[type].succeeded;
    if (
      succeeded +
        counts.kept +
        counts.lost +
        counts.resurrected +
        counts.stale +
        Object.keys(clientErrors).length ===
      0
    )
      continue;
    rows.push({ type, succeeded, clientErrors, ...counts });
  }
  return {
    rows,
    checked: comparison.checked,
    uncertain: comparison.uncertain.length,
    extra: comparison.extra.length,
  };
}

/**
 * Reads the JSON an application (or tools/workload) wrote: only `expected` is required, the rest defaults to
 * "nothing recorded" (docs/operating.md, "The workload report").
 */
export async function readWorkloadReport(path: string): Promise<WorkloadReport> {
  let json: Partial<WorkloadReportJson>;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Partial<WorkloadReportJson>;
  } catch {
    throw new ConfigError(
      `Cannot read a workload report from ${path}.`,
      'Give the JSON file the workload wrote (scripts/workload.ts run --out <file>), or one in the format docs/operating.md describes.',
    );
  }
  if (!Array.isArray(json?.expected))
    throw new ConfigError(
      `The workload report ${path} has no "expected" list of [id, source or null] pairs.`,
      'Write the expected final state of every document the audit should check (docs/operating.md, "The workload report").',
    );
  return reportFromJson(
    withDefaults(json as Partial<WorkloadReportJson> & Pick<WorkloadReportJson, 'expected'>),
  );
}

function withDefaults(
  json: Partial<WorkloadReportJson> & Pick<WorkloadReportJson, 'expected'>,
): WorkloadReportJson {
  const none: OpCounts = { attempted: 0, succeeded: 0, failed: 0, ambiguous: 0, docs: 0 };
  const ops = Object.fromEntries(OP_TYPES.map((t) => [t, { ...none, ...json.ops?.[t] }])) as Record<
    OpType,
    OpCounts
  >;
  return {
    errors: [],
    observed: [],
    lastOpByType: [],
    lastWrite: [],
    divergences: [],
    uncertain: [],
    disabled: [],
    history: [],
    switches: [],
    durationMs: 0,
    ...json,
    ops,
  };
}

/** The first line of `ferry audit`, and whether the dest holds what the applications meant. */
export function auditVerdict(audit: LossAudit): { clean: boolean; line: string } {
  const sum = (k: 'lost' | 'resurrected' | 'stale') => audit.rows.reduce((n, r) => n + r[k], 0);
  const [lost, resurrected, stale] = [sum('lost'), sum('resurrected'), sum('stale')];
  const skipped = audit.uncertain > 0 ? `; ${audit.uncertain} uncertain not checked` : '';
  if (lost + resurrected + stale === 0)
    return { clean: true, line: `audit: nothing lost of ${audit.checked} checked${skipped}` };
  return {
    clean: false,
    line: `audit: ${lost} lost, ${resurrected} resurrected, ${stale} stale of ${audit.checked} checked${skipped} (the method lost writes)`,
  };
}

export function formatLossAudit(audit: LossAudit): string[] {
  const lines = [
    `${'operation'.padEnd(22)} ${'ok ops'.padStart(7)} ${'kept'.padStart(6)} ${'lost'.padStart(6)} ${'resurr.'.padStart(8)} ${'stale'.padStart(6)}  client errors`,
  ];
  for (const r of audit.rows) {
    const errors = Object.entries(r.clientErrors)
      .map(([k, v]) => `${v}x ${k}`)
      .join(', ');
    lines.push(
      `${r.type.padEnd(22)} ${String(r.succeeded).padStart(7)} ${String(r.kept).padStart(6)} ${String(r.lost).padStart(6)} ${String(r.resurrected).padStart(8)} ${String(r.stale).padStart(6)}  ${errors}`,
    );
  }
  lines.push(
    `documents checked ${audit.checked}, uncertain ${audit.uncertain}, extra on the dest ${audit.extra}`,
  );
  return lines;
}
