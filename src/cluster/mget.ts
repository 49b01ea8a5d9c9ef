// Realtime reads of whole documents by id (mget reads the latest write even before a refresh).

import { type ClusterClient, enc } from './client.js';
import { type AnswerBatch, type AnswerStreamOptions, answerBatches } from './read/answer-stream.js';
import type { MgetHit } from './types.js';

export interface MgetKey {
  id: string;
  /** Without the routing a custom-routed document is not found. */
  routing: string | undefined;
}

/** One answer per key, in order; an item error is returned as such, never as "not found". */
export async function mgetDocuments(
  client: ClusterClient,
  index: string,
  keys: readonly MgetKey[],
  withSource: boolean,
): Promise<MgetHit[]> {
  if (keys.length === 0) return [];
  const body = await client.json<{ docs: RawMgetDoc[] }>(mgetRequest(index, keys, withSource));
  return body.docs.map(({ error, found, ...hit }) => ({
    ...hit,
    found: found === true,
    error: error ? { type: error.type ?? 'error', reason: error.reason ?? '' } : undefined,
  }));
}

/** The same look-up read as it arrives, in batches of raw docs bounded by bytes (documents of any size). */
export function mgetStream(
  client: ClusterClient,
  index: string,
  keys: readonly MgetKey[],
  withSource: boolean,
  o: AnswerStreamOptions,
): AsyncGenerator<AnswerBatch> {
  return answerBatches(client, mgetRequest(index, keys, withSource), 'docs', o);
}

function mgetRequest(index: string, keys: readonly MgetKey[], withSource: boolean) {
  return {
    method: 'POST' as const,
    path: `/${enc(index)}/_mget`,
    query: { realtime: true },
    body: { docs: keys.map((k) => mgetItem(k, withSource)) },
    idempotent: true,
    what: `look up ${keys.length} documents in ${index}`,
  };
}

function mgetItem(key: MgetKey, withSource: boolean): Record<string, unknown> {
  return {
    _id: key.id,
    ...(key.routing !== undefined ? { routing: key.routing } : {}),
    // Without _source, `_routing` comes back only as a stored field.
    ...(withSource ? { _source: true } : { _source: false, stored_fields: ['_routing'] }),
  };
}

type RawMgetDoc = Omit<MgetHit, 'found' | 'error'> & {
  found?: boolean;
  error?: { type?: string; reason?: string };
};
