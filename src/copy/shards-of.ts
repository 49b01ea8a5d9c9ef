// Which shard holds each of a few documents: a search with explain names the shard of every hit.
// Used only for the handful of documents reconciliation looks at in the switch-over window.
import type { ClusterClient } from '../cluster/client.js';

export async function shardsOf(
  client: ClusterClient,
  index: string,
  ids: string[],
): Promise<Map<string, number>> {
  const shards = new Map<string, number>();
  if (ids.length === 0) return shards;
  await client.refresh(index);
  const res = await client.search(index, {
    size: ids.length,
    query: { ids: { values: ids } },
    explain: true,
    _source: false,
  });
  for (const hit of res.hits.hits as ((typeof res.hits.hits)[number] & { _shard?: string })[]) {
    const shard = /\[(\d+)\]$/.exec(hit._shard ?? '')?.[1];
    if (shard !== undefined) shards.set(hit._id, Number(shard));
  }
  return shards;
}
