// What "nothing changed" means in tests: the indices, aliases, pipelines (with their bodies), repositories, and
// the watched index's settings and documents (id, version and content of each).
import { createHash } from 'node:crypto';
import type { ClusterClient } from '../../src/cluster/client.js';
import { allDocs } from './documents.js';

export interface Fingerprint {
  indices: string[];
  /** Every alias of a non-hidden index: alias -> index -> its definition (filter, routing, write index). */
  aliases: Record<string, Record<string, unknown>>;
  pipelines: Record<string, unknown>;
  repositories: string[];
  indexSettings: Record<string, unknown> | null;
  /** Digest of the watched index's documents: any write, delete or re-creation changes it. */
  documents: string | null;
}

const VOLATILE =
  /^index\.(creation_date|uuid|version\.|provided_name|routing\.allocation\.initial_recovery|resize)/;

export async function clusterFingerprint(client: ClusterClient, index: string): Promise<Fingerprint> {
  const indices = await client.json<{ index: string }[]>({
    method: 'GET',
    path: '/_cat/indices',
    query: { format: 'json', h: 'index', expand_wildcards: 'all' },
  });
  const pipelines = await client.request<Record<string, unknown>>({
    method: 'GET',
    path: '/_ingest/pipeline',
    okStatuses: [404],
  });
  const repositories = await client.json<Record<string, unknown>>({ method: 'GET', path: '/_snapshot' });
  let indexSettings: Record<string, unknown> | null = null;
  let documents: string | null = null;
  if (await client.indexExists(index)) {
    indexSettings = Object.fromEntries(
      Object.entries(await client.getIndexSettings(index)).filter(([k]) => !VOLATILE.test(k)),
    );
    const docs = [...(await allDocs(client, index)).entries()]
      .map(([id, d]) => JSON.stringify([id, d.version, d.routing ?? null, d.source]))
      .sort();
    documents = `${docs.length} docs, sha256 ${createHash('sha256').update(docs.join('\n')).digest('hex')}`;
  }
  return {
    indices: indices
      .map((i) => i.index)
      .filter((i) => !i.startsWith('.'))
      .sort(),
    aliases: await aliasesOf(client),
    pipelines: pipelines.status === 404 ? {} : sortKeys(pipelines.body),
    repositories: Object.keys(repositories).sort(),
    indexSettings,
    documents,
  };
}

async function aliasesOf(client: ClusterClient): Promise<Record<string, Record<string, unknown>>> {
  const body = await client.json<Record<string, { aliases?: Record<string, unknown> }>>({
    method: 'GET',
    path: '/_alias',
  });
  const out: Record<string, Record<string, unknown>> = {};
  for (const [index, { aliases }] of Object.entries(body)) {
    if (index.startsWith('.')) continue;
    for (const [alias, definition] of Object.entries(aliases ?? {})) {
      out[alias] ??= {};
      out[alias][index] = definition;
    }
  }
  return sortKeys(out) as Record<string, Record<string, unknown>>;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
