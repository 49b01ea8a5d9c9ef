// What a test-bed server can do: the reduced Elasticsearch 8/9 nodes have no ingest-common, reindex or
// painless modules. Tests check the refusal on those servers instead of the behaviour.
import type { ClusterClient } from '../../src/cluster/client.js';
import { installedModules } from '../../src/cluster/nodes.js';

export interface Capabilities {
  ingest: boolean;
  reindex: boolean;
  painless: boolean;
}

export async function capabilities(client: ClusterClient): Promise<Capabilities> {
  const ingest = await client.json<{
    nodes: Record<string, { ingest?: { processors?: { type: string }[] } }>;
  }>({ method: 'GET', path: '/_nodes/ingest' });
  const processors = new Set(
    Object.values(ingest.nodes).flatMap((n) => n.ingest?.processors?.map((p) => p.type) ?? []),
  );
  const modules = await installedModules(client);
  const languages = await client.request<{
    types_allowed?: string[];
    language_contexts?: { language: string }[];
  }>({ method: 'GET', path: '/_script_language', okStatuses: [400, 404, 405] });
  return {
    ingest: processors.has('set'),
    reindex: [...modules].some((m) => m === 'reindex' || /Reindex(Module)?Plugin$/.test(m)),
    painless:
      languages.status === 200 &&
      (languages.body.language_contexts ?? []).some((l) => l.language === 'painless'),
  };
}
