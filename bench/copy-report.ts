// The markdown report of one copy benchmark run: per corpus, every method with its ratios to Ferry, then the
// issue's goals with met/missed and by how much.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/harness/paths.js';
import type { Row } from './copy-run.js';
import { ferryHeapMb } from './ferry-run-method.js';

export interface CorpusResult {
  key: string;
  description: string;
  docs: number;
  sourceMb: number;
  storeMb: number;
  rows: Row[];
}

export interface Report {
  engines: string;
  machine: string;
  command: string;
  commit: string;
  results: CorpusResult[];
}

const RSS_GOAL_MB = 300;

export async function writeReport(report: Report, started: Date): Promise<string> {
  const stamp = started.toISOString().slice(0, 16);
  const lines = [
    `# Copy benchmark, ${stamp.replace('T', ' ')} UTC`,
    '',
    `- Command: \`${report.command}\``,
    `- Commit: ${report.commit}`,
    `- Engines: ${report.engines}`,
    `- Machine: ${report.machine}`,
    '- Methods run round-robin per corpus; the best run of each is shown (all runs in the notes when more than one).',
    `- Seconds: the copy alone. Ferry's rows are a real live \`ferry run\` (bin/ferry.js, V8 heap capped at ${ferryHeapMb()} MB${process.env.FERRY_BENCH_HEAP_MB ? ' by FERRY_BENCH_HEAP_MB' : ''}): their` +
      ' seconds are the backfill steps\' own time from the state (auto: snapshot_source + restore_dest + fill_ledger, i.e. the snapshot and restore the by-hand row does plus the `_source`-free listing into the ledger that capture needs; copy: the backfill step), because the other methods get the dest index made untimed and keep no ledger. "whole s" is from the process start until `ferry run` stopped at the cleanup gate with a verified copy (`ferry switch` given as soon as it reported caught up; quiet source, `--quiet-seconds 1`).',
    "- MB/s counts source JSON bytes moved. Peak RSS is the tool's process (Ferry: VmHWM of `ferry run` over the whole run; elasticdump: /usr/bin/time -v); server-side methods have none, and the raw ceiling reads pre-built bodies from disk.",
    "- speed ÷ Ferry: the method's docs/s over Ferry copy's (and Ferry auto's); above 1 is faster than Ferry. RSS ÷ Ferry copy likewise.",
    '',
  ];
  for (const r of report.results) lines.push(...corpusSection(r));
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `copy-${stamp.replace('T', '-').replace(':', '')}.md`);
  await writeFile(file, lines.join('\n'));
  return file;
}

function corpusSection(c: CorpusResult): string[] {
  const find = (key: string) => c.rows.find((r) => r.key === key && !r.failed);
  const copy = find('ferry-copy');
  const auto = find('ferry-auto');
  const ratio = (ferry: Row | undefined, r: Row) =>
    ferry && !r.failed ? (ferry.seconds / r.seconds).toFixed(2) : '';
  const rssRatio = (r: Row) =>
    copy?.peakRssMb && r.peakRssMb ? (r.peakRssMb / copy.peakRssMb).toFixed(2) : '';
  return [
    `## ${c.key}: ${c.description}`,
    '',
    `${c.sourceMb.toFixed(1)} MB of source JSON, ${c.storeMb.toFixed(1)} MB on disk (primaries).`,
    '',
    '| method | seconds | docs/s | MB/s | peak RSS MB | speed ÷ Ferry copy | speed ÷ Ferry auto | RSS ÷ Ferry copy | whole s | dest count | load | command / notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...c.rows.map((r) =>
      r.failed
        ? `| ${r.name} | failed | | | | | | | | | ${r.load} | ${r.failed} |`
        : `| ${r.name} | ${r.seconds.toFixed(1)} | ${Math.round(c.docs / r.seconds)} | ${(c.sourceMb / r.seconds).toFixed(1)} | ${r.peakRssMb === undefined ? 'n/a' : r.peakRssMb.toFixed(0)} | ${ratio(copy, r)} | ${ratio(auto, r)} | ${rssRatio(r)} | ${r.wholeSeconds?.toFixed(1) ?? ''} | ${r.destCount}${r.destCount === c.docs ? '' : ` of ${c.docs}`} | ${r.load} | ${r.command}${r.note ? `; ${r.note}` : ''} |`,
    ),
    '',
    `Goals (${c.key}):`,
    '',
    ...goals(c.rows, find),
    '',
  ];
}

function goals(rows: Row[], find: (key: string) => Row | undefined): string[] {
  const copy = find('ferry-copy');
  const auto = find('ferry-auto');
  const snapshot = find('snapshot');
  const reindex = find('reindex');
  const ceiling = find('ceiling');
  const out: string[] = [];
  const verdict = (met: boolean) => (met ? '**met**' : '**missed**');
  if (auto && snapshot) {
    const x = auto.seconds / snapshot.seconds;
    out.push(
      `- Ferry auto within 1.3x of snapshot + restore by hand: ${auto.seconds.toFixed(1)} s against ${snapshot.seconds.toFixed(1)} s = ${x.toFixed(2)}x, ${verdict(x <= 1.3)}${x <= 1.3 ? '' : ` by ${(x / 1.3).toFixed(2)}x (${(auto.seconds - 1.3 * snapshot.seconds).toFixed(1)} s over)`}`,
    );
  }
  if (copy && reindex) {
    const x = reindex.seconds / copy.seconds;
    out.push(
      `- Ferry copy at least 1.5x reindex-from-remote ×1: ${x.toFixed(2)}x, ${verdict(x >= 1.5)}${x >= 1.5 ? '' : ` (would need ${(reindex.seconds / 1.5).toFixed(1)} s, took ${copy.seconds.toFixed(1)} s)`}`,
    );
  }
  if (copy && ceiling) {
    const x = ceiling.seconds / copy.seconds;
    out.push(
      `- Ferry copy at least 80% of the raw _bulk ceiling: ${(x * 100).toFixed(0)}%, ${verdict(x >= 0.8)}${x >= 0.8 ? '' : ` (would need ${(ceiling.seconds / 0.8).toFixed(1)} s, took ${copy.seconds.toFixed(1)} s)`}`,
    );
  }
  for (const r of [auto, copy])
    if (r?.peakRssMb !== undefined)
      out.push(
        `- ${r.name} peak RSS under ${RSS_GOAL_MB} MB: ${r.peakRssMb.toFixed(0)} MB, ${verdict(r.peakRssMb < RSS_GOAL_MB)}${r.peakRssMb < RSS_GOAL_MB ? '' : ` by ${(r.peakRssMb - RSS_GOAL_MB).toFixed(0)} MB`}`,
      );
  const failed = rows.filter((r) => r.failed).map((r) => r.name);
  if (failed.length) out.push(`- Failed: ${failed.join(', ')} (see the table)`);
  if (out.length === 0) out.push('- (no goal could be computed: a method it needs did not run)');
  return out;
}
