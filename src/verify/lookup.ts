// Fresh, real-time reads of single documents (mget reads the latest write even before a refresh), used to
// re-check differences and, with `--since`, to find the dest copies of the source documents that changed.
import type { ClusterClient } from '../cluster/client.js';
import { enc } from '../cluster/client.js';
import { FerryError } from '../cluster/errors.js';
import { type RawHit, toRecord } from './hits.js';
import type { DocRecord } from './types.js';

export class LookupError extends FerryError {
  constructor(index: string, id: string, type: string, reason: string) {
    super(
      `Looking up document ${id} in ${index} failed: ${type}: ${reason.slice(0, 300)}`,
      'Check the index mapping (e.g. _routing required) and run verify again.',
    );
  }
}

export interface LookupKey {
  id: string;
  /** The routing the document is expected under; without it a custom-routed document is not found. */
  routing: string | undefined;
}

const BATCH = 500;

/** One answer per key, in order: the record, or undefined when that side has no such document. */
export async function lookupRecords(
  client: ClusterClient,
  index: string,
  keys: readonly LookupKey[],
  deep: boolean,
): Promise<(DocRecord | undefined)[]> {
  const out: (DocRecord | undefined)[] = [];
  for (let from = 0; from < keys.length; from += BATCH) {
    const batch = keys.slice(from, from + BATCH);
    const docs = batch.map((k) => ({
      _id: k.id,
      ...(k.routing !== undefined ? { routing: k.routing } : {}),
      // Without _source, `_routing` comes back only as a stored field.
      ...(deep ? { _source: true } : { _source: false, stored_fields: ['_routing'] }),
    }));
    const body = await client.json<{ docs: (RawHit & { error?: { type?: string; reason?: string } })[] }>({
      method: 'POST',
      path: `/${enc(index)}/_mget`,
      query: { realtime: true },
      body: { docs },
      idempotent: true,
      what: `look up ${batch.length} documents in ${index}`,
    });
    for (const doc of body.docs) {
      // An item error (e.g. routing required) is not "no such document": reporting it missing would be a lie.
      if (doc.error) throw new LookupError(index, doc._id, doc.error.type ?? 'error', doc.error.reason ?? '');
      out.push(doc.found ? toRecord(doc, deep) : undefined);
    }
  }
  return out;
}
