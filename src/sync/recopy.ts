// Copying again the source documents the delete scan found live but unknown to the ledger (the count of a
// `_seq_no` range was above the ledger's: capture missed them, or the ledger lost their rows). They are read by
// id on their shard and written through the applier; one the destination already holds with exactly the same
// content is adopted as Ferry's, not reported as a client's.
import type { ClusterClient } from '../cluster/client.js';
import { copyHitBatches } from '../cluster/read/hit-batches.js';
import { BATCH_BYTES } from '../cluster/read/page-sizer.js';
import { searchStream } from '../cluster/read/read-context.js';
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
      const answer = searchStream(
        source,
        index,
        { size: batch.length, version: true, seq_no_primary_term: true, query: { ids: { values: batch } } },
        { batchBytes: BATCH_BYTES, query: { preference: `_shards:${shard}` } },
      );
      // Applied batch by batch as the answer arrives: large documents are never held all at once.
      for await (const page of copyHitBatches(answer)) {
        const changes = page.hits.map((h) => toChange(h, shard));
        if (changes.length > 0) add(total, await applier.apply(changes, undefined, { adoptIdentical: true }));
      }
    }
  return total;
}
