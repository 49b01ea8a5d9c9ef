// What a live scenario is judged on: the destination against the application's oracle, document by document,
// with the documents Ferry reported as conflicts (conflicts.ndjson) set apart, and Ferry's own verdict.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareWithOracle, type Mismatch, type OracleComparison } from '../../src/audit/compare.js';
import type { WorkloadReport } from '../../src/audit/record.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import { allDocs } from './documents.js';
import type { ScenarioResult } from './live-scenario.js';

/** One line of `<state-dir>/<id>/conflicts.ndjson`: a source change not applied because a client wrote the doc. */
export interface ConflictRecord {
  id: string;
  change: 'write' | 'delete';
  sourceSeqNo: number;
  sourceVersion: number;
  destSeqNo: number;
  destVersion: number;
  at: string;
}

export interface Problems {
  lost: Mismatch[];
  resurrected: Mismatch[];
  stale: Mismatch[];
  extra: string[];
}

export interface ScenarioComparison {
  /** The whole comparison, conflicts included. */
  oracle: OracleComparison;
  conflicts: ConflictRecord[];
  /** Differences on documents Ferry did not report as conflicts: each one is a finding. */
  outside: Problems;
  /** Differences on documents Ferry reported as conflicts (the rule decided them). */
  explained: number;
}

export async function compareScenario(
  dest: ClusterClient,
  index: string,
  report: WorkloadReport,
  stateDir: string,
  id: string,
): Promise<ScenarioComparison> {
  const oracle = await compareWithOracle(dest, index, report.expected, {
    lastOpByType: report.lastOpByType,
    uncertain: report.uncertain,
  });
  const conflicts = await readConflicts(stateDir, id);
  const conflicted = new Set(conflicts.map((x) => x.id));
  const keep = (m: Mismatch) => !conflicted.has(m.id);
  const outside: Problems = {
    lost: oracle.lost.filter(keep),
    resurrected: oracle.resurrected.filter(keep),
    stale: oracle.stale.filter(keep),
    extra: oracle.extra.filter((x) => !conflicted.has(x)),
  };
  const all = oracle.lost.length + oracle.resurrected.length + oracle.stale.length + oracle.extra.length;
  return { oracle, conflicts, outside, explained: all - count(outside) };
}

export async function readConflicts(stateDir: string, id: string): Promise<ConflictRecord[]> {
  let text: string;
  try {
    text = await readFile(join(stateDir, id, 'conflicts.ndjson'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ConflictRecord);
}

export function count(p: Problems): number {
  return p.lost.length + p.resurrected.length + p.stale.length + p.extra.length;
}

export function summary(p: Problems): string {
  return `lost ${p.lost.length}, resurrected ${p.resurrected.length}, stale ${p.stale.length}, extra ${p.extra.length}`;
}

/** The original acceptance: the dest equals the oracle exactly and no client write on the dest was refused. */
export function assertNothingLost(result: ScenarioResult, initialDocs: number): void {
  const { oracle } = result.comparison;
  assertNoProblems(oracle, 'dest vs oracle');
  assert.ok(oracle.checked >= initialDocs * 0.5, `only ${oracle.checked} documents were compared`);
  const refused = result.report.errors.filter((e) => e.side === 'dest' && e.status === 409);
  assert.deepEqual(refused, [], 'client writes on the dest were refused');
}

export function assertNoProblems(p: Problems, what: string): void {
  const examples = {
    lost: p.lost.slice(0, 3),
    resurrected: p.resurrected.slice(0, 3),
    stale: p.stale.slice(0, 3),
    extra: p.extra.slice(0, 3),
  };
  assert.equal(count(p), 0, `${what}: ${summary(p)}; examples ${JSON.stringify(examples)}`);
}

/**
 * The acceptance of a scenario with source faults: outside the reported conflicts the dest equals the oracle;
 * where a failover made the source itself differ from what the client saw (a non-idempotent bulk write the
 * coordinating node sent again to the new primary: one success seen, two applied), the dest must equal the
 * source. Ferry's own verdict must be clean. Returns the documents where the source differs from the client.
 */
export async function assertDestMatches(
  source: ClusterClient,
  dest: ClusterClient,
  result: ScenarioResult,
): Promise<string[]> {
  const { outside } = result.comparison;
  const ids = [
    ...outside.lost.map((x) => x.id),
    ...outside.resurrected.map((x) => x.id),
    ...outside.stale.map((x) => x.id),
    ...outside.extra,
  ];
  if (ids.length > 0) {
    const [src, dst] = await Promise.all([allDocs(source, result.index), allDocs(dest, result.index)]);
    const ferryDiffers = ids.filter(
      (id) => JSON.stringify(src.get(id)?.source ?? null) !== JSON.stringify(dst.get(id)?.source ?? null),
    );
    assert.deepEqual(
      ferryDiffers,
      [],
      `documents where the dest differs from both the oracle and the source (${summary(outside)})`,
    );
  }
  assert.equal(result.verification?.unexplained, 0, JSON.stringify(result.verification));
  return ids;
}
