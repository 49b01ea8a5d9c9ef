// A workload report as plain JSON (Maps and Sets become entry lists), so a run in one process can be
// compared with an index from another (`ferry audit --workload-report`, the demo's `compare`).
import type { DocSource, ExpectedDoc, OpType, WorkloadReport, WriteRecord } from './record.js';

export interface WorkloadReportJson
  extends Omit<WorkloadReport, 'expected' | 'observed' | 'lastOpByType' | 'lastWrite' | 'uncertain'> {
  expected: [string, ExpectedDoc | null][];
  observed: [string, DocSource | null][];
  lastOpByType: [string, OpType][];
  lastWrite: [string, WriteRecord][];
  uncertain: string[];
}

export function reportToJson(report: WorkloadReport): WorkloadReportJson {
  return {
    ...report,
    expected: [...report.expected],
    observed: [...report.observed],
    lastOpByType: [...report.lastOpByType],
    lastWrite: [...report.lastWrite],
    uncertain: [...report.uncertain],
  };
}

export function reportFromJson(json: WorkloadReportJson): WorkloadReport {
  return {
    ...json,
    expected: new Map(json.expected),
    observed: new Map(json.observed),
    lastOpByType: new Map(json.lastOpByType),
    lastWrite: new Map(json.lastWrite),
    uncertain: new Set(json.uncertain),
  };
}
