// Shared data and comparisons for the copy tests: a source index with the awkward cases, and a
// document-by-document comparison of two indices (raw source bytes, routing and version).
import assert from 'node:assert/strict';
import type { ClusterClient } from '../../src/cluster/client.js';
import type { CopyHit } from '../../src/cluster/read/hits.js';
import { readSlice } from '../../src/cluster/read/sliced-reader.js';

export const DOCS = 3_000;

/** Documents with custom routing on some, updates (version > 1), application external versions, and a long
 * integer beyond 2^53 that a parse/serialise round trip would corrupt. */
export async function seedSource(client: ClusterClient, index: string, docs = DOCS): Promise<void> {
  await client.createIndex(index, {
    settings: {
      number_of_shards: 3,
      number_of_replicas: 0,
      analysis: {
        analyzer: {
          folded: { type: 'custom', tokenizer: 'standard' },
        },
      },
    },
    mappings: { properties: { name: { type: 'text', analyzer: 'folded' }, n: { type: 'long' } } },
  });
  let body = '';
  for (let i = 0; i < docs; i++) {
    const routing = i % 4 === 0 ? `,"routing":"user-${i % 13}"` : '';
    body += `{"index":{"_index":"${index}","_id":"d${i}"${routing}}}\n{"n":${i},"name":"Ville ${i} é\\"}{","big":123456789012345678${i % 10}}\n`;
  }
  await bulkOk(client, body);
  // Second writes: versions 2 and 3 on some documents; application-chosen external versions on others.
  let updates = '';
  for (let i = 0; i < docs; i += 7)
    updates += `{"index":{"_index":"${index}","_id":"d${i}"${i % 4 === 0 ? `,"routing":"user-${i % 13}"` : ''}}}\n{"n":${i},"updated":1}\n`;
  for (let i = 0; i < docs; i += 14)
    updates += `{"index":{"_index":"${index}","_id":"d${i}"${i % 4 === 0 ? `,"routing":"user-${i % 13}"` : ''}}}\n{"n":${i},"updated":2}\n`;
  updates += `{"index":{"_index":"${index}","_id":"ext-1","version":42,"version_type":"external"}}\n{"n":-1}\n`;
  await bulkOk(client, updates);
  await client.refresh(index);
}

export async function bulkOk(client: ClusterClient, body: string): Promise<void> {
  const res = await client.bulk(body);
  assert.equal(res.errors, false, JSON.stringify(res.items.find((i) => i.index?.error)));
}

/** Every document of an index, raw source included, by id. A plain scroll: Elasticsearch 8+ refuses to sort on _id. */
export async function allDocs(client: ClusterClient, index: string): Promise<Map<string, CopyHit>> {
  await client.refresh(index);
  const out = new Map<string, CopyHit>();
  for await (const page of readSlice({
    client,
    index,
    kind: 'scroll',
    slice: 0,
    slices: 1,
    pageSize: 1000,
    keepAlive: '1m',
  })) {
    for (const hit of page.hits) out.set(hit.id, hit);
  }
  return out;
}

export function assertSameDocs(source: Map<string, CopyHit>, dest: Map<string, CopyHit>): void {
  assert.equal(dest.size, source.size, 'document count');
  for (const [id, s] of source) {
    const d = dest.get(id);
    assert.ok(d, `missing on dest: ${id}`);
    assert.equal(d.routing, s.routing, `routing of ${id}`);
    assert.equal(d.version, s.version, `version of ${id}`);
    assert.equal(d.source, s.source, `source bytes of ${id}`);
  }
}
