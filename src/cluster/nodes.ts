// Node-level facts preflight needs: disk, settings, installed modules.
import type { ClusterClient } from './client.js';

export interface NodeDisk {
  name: string;
  totalBytes: number;
  availableBytes: number;
}

export async function dataNodeDisks(client: ClusterClient): Promise<NodeDisk[]> {
  const body = await client.json<{
    nodes: Record<
      string,
      {
        name: string;
        roles?: string[];
        fs?: { total?: { total_in_bytes: number; available_in_bytes: number } };
      }
    >;
  }>({
    method: 'GET',
    path: '/_nodes/stats/fs',
    what: 'read node disk usage',
  });
  return Object.values(body.nodes)
    .filter((n) => !n.roles || n.roles.some((r) => r === 'data' || r.startsWith('data_')))
    .map((n) => ({
      name: n.name,
      totalBytes: n.fs?.total?.total_in_bytes ?? 0,
      availableBytes: n.fs?.total?.available_in_bytes ?? 0,
    }));
}

/** Values of one node setting across nodes (flat key), e.g. path.repo or the remote allowlist. */
export async function nodeSettingValues(client: ClusterClient, key: string): Promise<string[]> {
  const body = await client.json<{ nodes: Record<string, { settings: Record<string, unknown> }> }>({
    method: 'GET',
    path: '/_nodes/settings',
    query: { flat_settings: true },
    what: 'read node settings',
  });
  const values: string[] = [];
  for (const node of Object.values(body.nodes)) {
    for (const [k, v] of Object.entries(node.settings)) {
      if (k === key || k.startsWith(`${key}.`))
        values.push(...(Array.isArray(v) ? v.map(String) : [String(v)]));
    }
  }
  return values;
}

/** Module and plugin names present on every node (e.g. "reindex", "ingest-common", "lang-painless"). */
export async function installedModules(client: ClusterClient): Promise<Set<string>> {
  const body = await client.json<{
    nodes: Record<
      string,
      { modules?: { name: string; classname: string }[]; plugins?: { name: string; classname: string }[] }
    >;
  }>({
    method: 'GET',
    path: '/_nodes/plugins',
    what: 'read installed modules',
  });
  const names = new Set<string>();
  for (const node of Object.values(body.nodes)) {
    for (const m of [...(node.modules ?? []), ...(node.plugins ?? [])]) {
      names.add(m.name);
      names.add(m.classname);
    }
  }
  return names;
}

/** Ingest processor types available on any node (e.g. "set", "pipeline"). */
export async function ingestProcessorTypes(client: ClusterClient): Promise<Set<string>> {
  const body = await client.json<{ nodes: Record<string, { ingest?: { processors?: { type: string }[] } }> }>(
    {
      method: 'GET',
      path: '/_nodes/ingest',
      what: 'read ingest processors',
    },
  );
  return new Set(Object.values(body.nodes).flatMap((n) => n.ingest?.processors?.map((p) => p.type) ?? []));
}
