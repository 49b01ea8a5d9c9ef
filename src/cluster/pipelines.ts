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

/** Creates or replaces a pipeline; `restore` puts back a definition Ferry read before changing it. */
export async function putPipeline(
  client: ClusterClient,
  id: string,
  body: unknown,
  purpose: 'create' | 'restore' = 'create',
): Promise<void> {
  await client.request({
    method: 'PUT',
    path: `/_ingest/pipeline/${enc(id)}`,
    body,
    what: `${purpose} pipeline ${id}`,
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

/**
 * A processor value that the server takes literally. Ingest processors treat any value holding "{{" as a
 * mustache template, so an index named `a{{b}}` would route writes to a name made from a document field. The
 * set-delimiter tag switches mustache to `<% %>`, which no index name can contain ("<" is forbidden).
 */
export function literalTemplateValue(text: string): string {
  if (!text.includes('{{')) return text;
  if (text.includes('<%'))
    throw new Error(`"${text}" holds both "{{" and "<%": it cannot be passed to a pipeline literally`);
  return `{{=<% %>=}}${text}`;
}

/** Runs one `set _index` processor on a sample document and returns the `_index` the server would write to. */
export async function simulateSetIndex(
  client: ClusterClient,
  value: string,
  fromIndex: string,
): Promise<string | undefined> {
  const body = await client.json<{ docs: { doc?: { _index?: string } }[] }>({
    method: 'POST',
    path: '/_ingest/pipeline/_simulate',
    body: {
      pipeline: { processors: [{ set: { field: '_index', value } }] },
      docs: [{ _index: fromIndex, _id: 'ferry-simulate', _source: { ferry: 'simulate' } }],
    },
    idempotent: true,
    what: 'simulate the rerouting pipeline',
  });
  return body.docs[0]?.doc?._index;
}
