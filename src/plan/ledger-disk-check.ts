// The ledger lives on the operator's disk, one row per source document: its size is known before anything runs,
// and a disk that cannot hold it is refused up front instead of filling mid-migration.
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatBytes } from '../cluster/disk-headroom.js';
import { meanIdBytes } from '../cluster/indices.js';
import { type CheckResult, fail, pass } from './check.js';
import type { Plan } from './options.js';
import type { Sides } from './preflight.js';

/**
 * Bytes one ledger row takes on disk, from the mean id length: the id is stored twice (the row, keyed by id, and
 * the per-shard `_seq_no` index). Measured with the ledger's own schema, 1M rows inserted in random order, WAL
 * checkpointed: 48.2 B at 6.9-byte ids, 77.2 B at 20, 113.5 B at 36; a live run of 1M documents with 6.9-byte ids
 * left a 48.0 MB ledger (bench/results/ledger-size-2026-12-07.md).
 */
export function ledgerRowBytes(idBytes: number): number {
  return 33 + 2.3 * idBytes;
}

/** What the write-ahead log and pages not yet reused add while a migration runs. */
const MARGIN = 1.25;

/** An empty ledger is 40 KB (its tables' first pages, measured); the estimate starts above it. */
const EMPTY_BYTES = 64 * 1024;

export interface LedgerEstimate {
  docs: number;
  meanIdBytes: number;
  bytes: number;
}

export function estimateLedger(docs: number, idBytes: number): LedgerEstimate {
  return {
    docs,
    meanIdBytes: idBytes,
    bytes: EMPTY_BYTES + Math.ceil(docs * ledgerRowBytes(idBytes) * MARGIN),
  };
}

/** The check's verdict from the numbers alone (the reads are in checkLedgerDisk). */
export function judgeLedgerDisk(estimate: LedgerEstimate, freeBytes: number, dir: string): CheckResult {
  const name = 'ledger disk space (state directory)';
  const perMillion = ledgerRowBytes(estimate.meanIdBytes) * 1e6;
  const detail = `the ledger of ${estimate.docs} documents needs about ${formatBytes(estimate.bytes)} (${formatBytes(perMillion)} per million documents with ids of ${estimate.meanIdBytes.toFixed(0)} bytes, plus 25% while it runs); ${formatBytes(freeBytes)} free in ${dir}`;
  return estimate.bytes <= freeBytes
    ? pass(name, detail)
    : fail(
        name,
        detail,
        'Free space on that disk, or keep the migration state on a larger one: --state-dir DIR (or FERRY_STATE_HOME).',
      );
}

export async function checkLedgerDisk(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const docs = await source.count(plan.sourceIndex);
  const estimate = estimateLedger(docs, (await meanIdBytes(source, plan.sourceIndex, SAMPLE)) ?? 20);
  const dir = await existingAncestor(resolve(plan.stateDir));
  const fs = await statfs(dir);
  return judgeLedgerDisk(estimate, fs.bavail * fs.bsize, dir);
}

/** Ids sampled for their mean length (20 bytes, the length of generated ids, when the index is empty). */
const SAMPLE = 500;

/** The state directory may not exist yet: its nearest existing parent holds the disk it will be on. */
async function existingAncestor(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await statfs(d);
      return d;
    } catch (error) {
      if (dirname(d) === d) throw error;
    }
  }
}
