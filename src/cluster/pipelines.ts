// Ingest pipeline calls.
import { type ClusterClient, enc } from './client.js';

export async function getPipeline(
  client: ClusterClient,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const res = await client.request<Record<string, Record<string, unknown>>>({
    method: 'GET',
    path: `/_ingest/pipeline/${enc(id)}`,
    okStatuses: [404],
    what: `read pipeline ${id}`,
  });
  return res.status === 404 ? undefined : res.body[id];
}

export async function putPipeline(
  client: ClusterClient,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await client.request({
    method: 'PUT',
    path: `/_ingest/pipeline/${enc(id)}`,
    body,
    what: `create pipeline ${id}`,
  });
}

export async function deletePipeline(client: ClusterClient, id: string): Promise<void> {
  await client.request({
    method: 'DELETE',
    path: `/_ingest/pipeline/${enc(id)}`,
    okStatuses: [404],
    what: `delete pipeline ${id}`,
  });
}
