// What "nothing changed" means in tests: the indices, pipelines, repositories and the watched index's settings.
import type { ClusterClient } from '../../src/cluster/client.js';

export interface Fingerprint {
  indices: string[];
  pipelines: string[];
  repositories: string[];
  indexSettings: Record<string, unknown> | null;
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
  if (await client.indexExists(index)) {
    indexSettings = Object.fromEntries(
      Object.entries(await client.getIndexSettings(index)).filter(([k]) => !VOLATILE.test(k)),
    );
  }
  return {
    indices: indices
      .map((i) => i.index)
      .filter((i) => !i.startsWith('.'))
      .sort(),
    pipelines: Object.keys(pipelines.status === 404 ? {} : pipelines.body).sort(),
    repositories: Object.keys(repositories).sort(),
    indexSettings,
  };
}
