// One round of change capture: everything written on the source between two watermarks, copied to the dest.
// Before the switch, copies carry the source version as an external version (never backwards); in the
// switch-over window they go through the window rule (window-writer.ts).
import type { ClusterClient } from '../cluster/client.js';
import { bulkLines } from './bulk-lines.js';
import { BulkWriter } from './bulk-writer.js';
import { changedDocuments, type Watermarks } from './change-capture.js';
import { clientTouchedIds, type WindowConflict, type WindowState, writeInWindow } from './window-writer.js';

export interface RoundResult {
  /** Changed documents found on the source. */
  changed: number;
  /** Written to the dest (external-version conflicts excluded). */
  written: number;
  conflicts: WindowConflict[];
}

export async function captureRound(
  source: ClusterClient,
  dest: ClusterClient,
  indices: { source: string; dest: string },
  from: Watermarks,
  to: Watermarks,
  window: WindowState | undefined,
): Promise<RoundResult> {
  const result: RoundResult = { changed: 0, written: 0, conflicts: [] };
  const touched = window ? await clientTouchedIds(dest, indices.dest, window) : undefined;
  const writer = window ? undefined : new BulkWriter({ target: dest, concurrency: 2 });
  for (const [shardKey, upper] of Object.entries(to)) {
    const shard = Number(shardKey);
    for await (const page of changedDocuments(source, indices.source, shard, from[shard] ?? -1, upper)) {
      result.changed += page.length;
      if (window && touched) {
        const { applied, conflicts } = await writeInWindow(dest, indices.dest, page, window, touched);
        result.written += applied;
        result.conflicts.push(...conflicts);
      } else {
        for (const hit of page) await writer!.add(hit.id, bulkLines(indices.dest, hit));
      }
    }
  }
  if (writer) {
    const stats = await writer.close();
    result.written = stats.docs;
    if (stats.dropped > 0)
      throw new Error(
        `${stats.dropped} change(s) could not be written to the dest; run \`ferry resume\` to capture them again.`,
      );
  }
  return result;
}
