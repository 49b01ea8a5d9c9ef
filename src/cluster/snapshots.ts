// Snapshot repository, snapshot and restore calls.
import { type ClusterClient, enc } from './client.js';

export interface SnapshotInfo {
  snapshot: string;
  state: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'PARTIAL' | 'INCOMPATIBLE';
  indices: string[];
  shards?: { total: number; successful: number; failed: number };
}

export async function getRepository(
  client: ClusterClient,
  name: string,
): Promise<{ type: string; settings: Record<string, unknown> } | undefined> {
  const res = await client.request<Record<string, { type: string; settings: Record<string, unknown> }>>({
    method: 'GET',
    path: `/_snapshot/${enc(name)}`,
    okStatuses: [404],
    what: `read repository ${name}`,
  });
  return res.status === 404 ? undefined : res.body[name];
}

export async function putFsRepository(
  client: ClusterClient,
  name: string,
  location: string,
  readonly: boolean,
): Promise<void> {
  await client.request({
    method: 'PUT',
    path: `/_snapshot/${enc(name)}`,
    body: { type: 'fs', settings: { location, readonly } },
    what: `register repository ${name}`,
  });
}

export async function getSnapshot(
  client: ClusterClient,
  repository: string,
  snapshot: string,
): Promise<SnapshotInfo | undefined> {
  const res = await client.request<{ snapshots: SnapshotInfo[] }>({
    method: 'GET',
    path: `/_snapshot/${enc(repository)}/${enc(snapshot)}`,
    okStatuses: [404],
    what: `read snapshot ${snapshot}`,
  });
  return res.status === 404 ? undefined : res.body.snapshots?.[0];
}

export async function startSnapshot(
  client: ClusterClient,
  repository: string,
  snapshot: string,
  index: string,
): Promise<void> {
  await client.request({
    method: 'PUT',
    path: `/_snapshot/${enc(repository)}/${enc(snapshot)}`,
    query: { wait_for_completion: false },
    body: { indices: index, include_global_state: false, ignore_unavailable: false },
    idempotent: false,
    what: `start snapshot ${snapshot}`,
  });
}

export async function deleteSnapshot(
  client: ClusterClient,
  repository: string,
  snapshot: string,
): Promise<void> {
  await client.request({
    method: 'DELETE',
    path: `/_snapshot/${enc(repository)}/${enc(snapshot)}`,
    okStatuses: [404],
    what: `delete snapshot ${snapshot}`,
  });
}

/** Bytes done and total of a running snapshot, for progress. */
export async function snapshotProgress(
  client: ClusterClient,
  repository: string,
  snapshot: string,
): Promise<{ done: number; total: number }> {
  const body = await client.json<{
    snapshots: { stats?: { processed?: { size_in_bytes: number }; total?: { size_in_bytes: number } } }[];
  }>({
    method: 'GET',
    path: `/_snapshot/${enc(repository)}/${enc(snapshot)}/_status`,
    what: `snapshot status ${snapshot}`,
  });
  const stats = body.snapshots[0]?.stats;
  return { done: stats?.processed?.size_in_bytes ?? 0, total: stats?.total?.size_in_bytes ?? 0 };
}

export interface RestoreRequest {
  repository: string;
  snapshot: string;
  index: string;
  renameTo: string;
  ignoreIndexSettings: string[];
}

export async function startRestore(client: ClusterClient, r: RestoreRequest): Promise<void> {
  await client.request({
    method: 'POST',
    path: `/_snapshot/${enc(r.repository)}/${enc(r.snapshot)}/_restore`,
    query: { wait_for_completion: false },
    body: {
      indices: r.index,
      include_global_state: false,
      include_aliases: false,
      rename_pattern: `^${escapeRegex(r.index)}$`,
      rename_replacement: r.renameTo,
      ignore_index_settings: r.ignoreIndexSettings,
    },
    idempotent: false,
    what: `restore ${r.index} as ${r.renameTo}`,
  });
}

/** Bytes recovered and total of an index being restored. */
export async function recoveryProgress(
  client: ClusterClient,
  index: string,
): Promise<{ done: number; total: number; finished: boolean }> {
  const body = await client.json<
    Record<
      string,
      {
        shards: {
          stage: string;
          primary: boolean;
          index: { size: { total_in_bytes: number; recovered_in_bytes: number } };
        }[];
      }
    >
  >({
    method: 'GET',
    path: `/${enc(index)}/_recovery`,
    what: `recovery of ${index}`,
  });
  const shards = (body[index]?.shards ?? []).filter((s) => s.primary);
  let done = 0;
  let total = 0;
  for (const s of shards) {
    done += s.index.size.recovered_in_bytes;
    total += s.index.size.total_in_bytes;
  }
  return { done, total, finished: shards.length > 0 && shards.every((s) => s.stage === 'DONE') };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Unregisters a repository (its files stay); one already gone is not an error. */
export async function deleteRepository(client: ClusterClient, name: string): Promise<void> {
  await client.request({
    method: 'DELETE',
    path: `/_snapshot/${enc(name)}`,
    okStatuses: [404],
    what: `unregister repository ${name}`,
  });
}

/**
 * Asks every node of the cluster whether it can use the repository (`_verify`); the error, if any, is the server's
 * reason (a path outside path.repo, a missing bucket, no write access).
 */
export async function verifyRepository(
  client: ClusterClient,
  name: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const res = await client.request<{ error?: { type?: string; reason?: string } }>({
    method: 'POST',
    path: `/_snapshot/${enc(name)}/_verify`,
    okStatuses: [400, 404, 500],
    what: `verify repository ${name}`,
  });
  if (res.status === 200) return { ok: true };
  const e = res.body.error;
  return {
    ok: false,
    reason: `HTTP ${res.status} ${e?.type ?? ''}: ${e?.reason ?? 'no reason given'}`.trim(),
  };
}
