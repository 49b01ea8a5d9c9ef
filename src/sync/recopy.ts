// Copying again the source documents the delete scan found live but unknown to the ledger (the count of a
// `_seq_no` range was above the ledger's: capture missed them, or the ledger lost their rows). They are read by
// id on their shard and written through the applier; one the destination already holds with exactly the same
// content is adopted as Ferry's, not reported as a client's.
import type { ClusterClient } from '../cluster/client.js';
import { searchRaw } from '../cluster/read-context.js';
import { parseRawPage } from '../copy/raw-hits.js';
import type { Applier, ApplyResult } from './applier.js';
import { add, toChange } from './capture.js';

const BATCH = 500;

export async function recopy(
  source: ClusterClient,
  index: string,
  applier: Applier,
  docs: readonly { id: string; shard: number }[],
): Promise<ApplyResult> {
  const total: ApplyResult = { written: 0, deleted: 0, skipped: 0, conflicts: 0 };
  const byShard = new Map<number, string[]>();
  for (const d of docs) byShard.set(d.shard, [...(byShard.get(d.shard) ?? []), d.id]);
  for (const [shard, ids] of byShard)
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const text = await searchRaw(
        source,
        index,
        { size: batch.length, version: true, seq_no_primary_term: true, query: { ids: { values: batch } } },
        { preference: `_shards:${shard}` },
      );
      const changes = parseRawPage(text).hits.map((h) => toChange(h, shard));
      add(total, await applier.apply(changes, undefined, { adoptIdentical: true }));
    }
  return total;
}
