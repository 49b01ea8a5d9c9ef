// Reads every document of a small test index, to compare both sides document by document.
import assert from 'node:assert/strict';
import type { ClusterClient } from '../../src/cluster/client.js';

export interface StoredDoc {
  source: Record<string, unknown>;
  version: number | undefined;
  routing: string | undefined;
}

const MAX = 10_000;

/** A `_bulk` body: one JSON object a line, and the final newline the servers require. */
export function ndjson(lines: unknown[]): string {
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

export async function allDocs(client: ClusterClient, index: string): Promise<Map<string, StoredDoc>> {
  await client.refresh(index);
  const res = await client.search(index, {
    size: MAX,
    version: true,
    track_total_hits: true,
    query: { match_all: {} },
  });
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  assert.ok(total <= MAX, `test index ${index} has ${total} documents; allDocs reads at most ${MAX}`);
  const docs = new Map<string, StoredDoc>();
  for (const h of res.hits.hits)
    docs.set(h._id, { source: h._source ?? {}, version: h._version, routing: h._routing });
  return docs;
}

/** Asserts that two indices hold the same ids with the same source (and routing). */
export function assertSameDocuments(
  actual: Map<string, StoredDoc>,
  expected: Map<string, StoredDoc>,
  label: string,
): void {
  const missing = [...expected.keys()].filter((id) => !actual.has(id));
  const extra = [...actual.keys()].filter((id) => !expected.has(id));
  const differing = [...expected.keys()].filter(
    (id) =>
      actual.has(id) &&
      JSON.stringify(sorted(actual.get(id)!.source)) !== JSON.stringify(sorted(expected.get(id)!.source)),
  );
  assert.deepEqual(
    { missing, extra, differing },
    { missing: [], extra: [], differing: [] },
    `${label}: documents differ`,
  );
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  }
  return value;
}
