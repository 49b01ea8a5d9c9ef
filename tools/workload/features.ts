// Which operation types the target engine can run. Reduced Elasticsearch 8/9 nodes have no painless and
// no reindex module (so no _delete_by_query/_update_by_query): probe rather than guess from versions.

import type { OpType } from '../../src/audit/record.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import { enc } from '../../src/cluster/client.js';
import { ResponseError } from '../../src/cluster/errors.js';

export interface WorkloadFeatures {
  painless: boolean;
  byQuery: boolean;
}

const NEEDS: Partial<Record<OpType, (f: WorkloadFeatures) => string | undefined>> = {
  scripted_update: (f) => (f.painless ? undefined : 'no painless on this engine'),
  bulk_scripted_update: (f) => (f.painless ? undefined : 'no painless on this engine'),
  update_by_query: (f) =>
    !f.painless ? 'no painless on this engine' : f.byQuery ? undefined : 'no _update_by_query on this engine',
  delete_by_query: (f) => (f.byQuery ? undefined : 'no _delete_by_query on this engine'),
};

export function unsupported(type: OpType, features: WorkloadFeatures): string | undefined {
  return NEEDS[type]?.(features);
}

/** Probes with calls that change nothing: a painless execute of `1`, a delete_by_query matching no id. */
export async function detectFeatures(client: ClusterClient, index: string): Promise<WorkloadFeatures> {
  const [painless, byQuery] = await Promise.all([
    answers(client, {
      method: 'POST',
      path: '/_scripts/painless/_execute',
      body: { script: { source: '1' } },
    }),
    answers(client, {
      method: 'POST',
      path: `/${enc(index)}/_delete_by_query`,
      body: { query: { ids: { values: [] } } },
    }),
  ]);
  return { painless, byQuery };
}

async function answers(
  client: ClusterClient,
  request: { method: 'POST'; path: string; body: unknown },
): Promise<boolean> {
  try {
    await client.json({ ...request, idempotent: true, what: `probe ${request.path}` });
    return true;
  } catch (error) {
    if (error instanceof ResponseError) return false;
    throw error;
  }
}
