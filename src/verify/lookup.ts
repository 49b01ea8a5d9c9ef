// Fresh, real-time reads of single documents (mget reads the latest write even before a refresh), used to
// re-check differences and, with `--since`, to find the dest copies of the source documents that changed.
import type { ClusterClient } from '../cluster/client.js';
import { FerryError } from '../cluster/errors.js';
import { type MgetKey, mgetDocuments } from '../cluster/mget.js';
import { toRecord } from './hits.js';
import type { DocRecord } from './types.js';

export class LookupError extends FerryError {
  constructor(index: string, id: string, type: string, reason: string) {
    super(
      `Looking up document ${id} in ${index} failed: ${type}: ${reason.slice(0, 300)}`,
      'Check the index mapping (e.g. _routing required) and run verify again.',
    );
  }
}

/** A document id and the routing it is expected under. */
export type LookupKey = MgetKey;

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
    const docs = await mgetDocuments(client, index, batch, deep);
    for (const doc of docs) {
      // An item error (e.g. routing required) is not "no such document": reporting it missing would be a lie.
      if (doc.error) throw new LookupError(index, doc._id, doc.error.type, doc.error.reason);
      out.push(doc.found ? toRecord(doc, deep) : undefined);
    }
  }
  return out;
}
