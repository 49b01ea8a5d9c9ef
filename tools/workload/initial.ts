// The starting index of a workload run: created with a small explicit mapping and bulk-loaded with
// deterministic documents d0..d(count-1).

import type { DocSource } from '../../src/audit/record.js';
import { scanIndex } from '../../src/audit/scan.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import { createRng } from './prng.js';

export const WORKLOAD_MAPPINGS = {
  properties: {
    key: { type: 'keyword' },
    n: { type: 'long' },
    grp: { type: 'integer' },
    tag: { type: 'keyword' },
    touched_by: { type: 'keyword' },
  },
} as const;

export interface LoadOptions {
  shards?: number;
  /** Documents per bulk request; default 1000. */
  batch?: number;
  /** Replicas per shard; default 0 (one-node beds). */
  replicas?: number;
}

export async function loadInitial(
  client: ClusterClient,
  index: string,
  count: number,
  seed: number,
  options: LoadOptions = {},
): Promise<Map<string, DocSource>> {
  const rng = createRng(seed);
  const groups = Math.max(4, Math.floor(count / 5));
  const docs = new Map<string, DocSource>();
  for (let i = 0; i < count; i++) {
    const id = `d${i}`;
    docs.set(id, { key: id, n: rng.int(1000), grp: rng.int(groups), tag: 'initial', touched_by: 'initial' });
  }
  await createWorkloadIndex(client, index, WORKLOAD_MAPPINGS, options.shards ?? 2, options.replicas ?? 0);
  await bulkLoad(client, index, docs, options.batch ?? 1000);
  return docs;
}

export async function createWorkloadIndex(
  client: ClusterClient,
  index: string,
  mappings: unknown,
  shards: number,
  replicas = 0,
): Promise<void> {
  await client.createIndex(index, {
    settings: { number_of_shards: shards, number_of_replicas: replicas },
    mappings,
  });
}

/** Bulk-indexes the documents and refreshes; any item failure is an error (the initial set must be exact). */
export async function bulkLoad(
  client: ClusterClient,
  index: string,
  docs: ReadonlyMap<string, DocSource>,
  batch: number,
): Promise<void> {
  let lines: string[] = [];
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    const answer = await client.bulk(`${lines.join('\n')}\n`);
    lines = [];
    const failed = answer.items.map((item) => item.index).find((result) => !result || result.status >= 300);
    if (answer.errors || failed) {
      throw new Error(
        `loading ${index} failed for ${failed?._id}: ${failed?.error?.type ?? 'unknown'} ${failed?.error?.reason ?? ''}`,
      );
    }
  };
  for (const [id, source] of docs) {
    lines.push(JSON.stringify({ index: { _index: index, _id: id } }), JSON.stringify(source));
    if (lines.length >= batch * 2) await flush();
  }
  await flush();
  await client.refresh(index);
}

/** Takes whatever an existing index holds as the workload's initial set (e.g. an index loaded earlier). */
export async function readInitial(client: ClusterClient, index: string): Promise<Map<string, DocSource>> {
  const docs = new Map<string, DocSource>();
  await client.refresh(index);
  await scanIndex(client, index, (hits) => {
    for (const hit of hits) docs.set(hit.id, hit.source);
  });
  return docs;
}
