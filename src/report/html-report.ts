// The final report as one self-contained HTML file: the same charts as the live page, the step timeline,
// the first conflicts and the verification.
import { createReadStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { MigrationState } from '../state/migration-state.js';
import type { ConflictRow } from '../sync/ledger.js';
import { renderHtmlPage } from './html-page.js';

const MAX_CONFLICTS_SHOWN = 100;

export async function writeHtmlReport(state: MigrationState, file: string): Promise<void> {
  const conflicts = await firstConflicts(state, MAX_CONFLICTS_SHOWN);
  await writeFile(file, renderHtmlPage(state, { live: false, conflicts }));
}

async function firstConflicts(state: MigrationState, max: number): Promise<ConflictRow[]> {
  const path = state.results.sync?.conflictsFile;
  if (!path || !existsSync(path)) return [];
  const rows: ConflictRow[] = [];
  const stream = createReadStream(path, 'utf8');
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim()) rows.push(JSON.parse(line) as ConflictRow);
    if (rows.length >= max) break;
  }
  stream.destroy();
  return rows;
}
