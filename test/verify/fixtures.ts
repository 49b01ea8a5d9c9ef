// Index pairs for verification tests: a source index seeded with documents, and a dest copy made the way
// Ferry copies (external versions, same routing), so that the two start out identical.
import assert from 'node:assert/strict';
import type { ClusterClient } from '../../src/cluster/client.js';
import type { TestClusters } from '../harness/context.js';
import { uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';

export { ndjson };

export interface SeedOptions {
  docs: number;
  shards?: number;
  destShards?: number;
  /** Routing of document i, or undefined to route by id. */
  routing?: (i: number) => string | undefined;
}

export async function bulkOk(client: ClusterClient, lines: unknown[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 2000) {
    const res = await client.bulk(ndjson(lines.slice(i, i + 2000)), { refresh: 'true' });
    assert.equal(res.errors, false, JSON.stringify(res.items.find((it) => Object.values(it)[0]?.error)));
  }
}

/** Source and dest indices holding the same documents, versions and routing. */
export async function identicalPair(
  c: TestClusters,
  options: SeedOptions,
): Promise<{ source: string; dest: string }> {
  const source = uniqueName('verify-src');
  const dest = uniqueName('verify-dst');
  const settings = (shards: number) => ({ settings: { number_of_shards: shards, number_of_replicas: 0 } });
  await c.source.createIndex(source, settings(options.shards ?? 1));
  await c.dest.createIndex(dest, settings(options.destShards ?? options.shards ?? 1));
  const lines: unknown[] = [];
  for (let i = 0; i < options.docs; i++) {
    const routing = options.routing?.(i);
    lines.push(
      { index: { _index: source, _id: `d${i}`, ...(routing !== undefined ? { routing } : {}) } },
      { n: i, name: `doc ${i}`, tags: ['a', 'b'], nested: { x: i, y: 'z' } },
    );
  }
  await bulkOk(c.source, lines);
  // A second write to some documents, so versions are not all 1.
  const updates: unknown[] = [];
  for (let i = 0; i < options.docs; i += 7) {
    const routing = options.routing?.(i);
    updates.push(
      { update: { _index: source, _id: `d${i}`, ...(routing !== undefined ? { routing } : {}) } },
      { doc: { updated: true } },
    );
  }
  await bulkOk(c.source, updates);
  await copyAll(c.source, source, c.dest, dest);
  return { source, dest };
}

/** Copies every document with its `_version` as an external version and its routing. */
export async function copyAll(
  from: ClusterClient,
  fromIndex: string,
  to: ClusterClient,
  toIndex: string,
): Promise<void> {
  let page = await from.search(fromIndex, { size: 5000, version: true, sort: ['_doc'] }, { scroll: '1m' });
  const lines: unknown[] = [];
  while (page.hits.hits.length > 0) {
    for (const h of page.hits.hits) {
      lines.push(
        {
          index: {
            _index: toIndex,
            _id: h._id,
            version: h._version,
            version_type: 'external',
            ...(h._routing !== undefined ? { routing: h._routing } : {}),
          },
        },
        h._source,
      );
    }
    page = await from.json({
      method: 'POST',
      path: '/_search/scroll',
      body: { scroll: '1m', scroll_id: page._scroll_id },
    });
  }
  await bulkOk(to, lines);
}
