// Fresh, real-time reads of single documents (mget reads the latest write even before a refresh), used to
// re-check differences and, with `--since`, to find the dest copies of the source documents that changed.
// Answers are read as they arrive and only each document's record is kept, so documents of any size fit.

import type { ClusterClient } from '../cluster/client.js';
import { type MgetKey, mgetStream } from '../cluster/mget.js';
import { ByteBudget } from '../cluster/read/byte-budget.js';
import { BATCH_BYTES } from '../cluster/read/page-sizer.js';
import { FerryError } from '../core/errors.js';
import { elementRecord } from './hits.js';
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
/** With `_source`, fewer ids per request: the server builds each answer whole. */
const DEEP_BATCH = 50;

/** One answer per key, in order: the record, or undefined when that side has no such document. */
export async function lookupRecords(
  client: ClusterClient,
  index: string,
  keys: readonly LookupKey[],
  deep: boolean,
): Promise<(DocRecord | undefined)[]> {
  const out: (DocRecord | undefined)[] = [];
  const step = deep ? DEEP_BATCH : BATCH;
  // A budget of its own: look-ups run inside a listing's page (sampling, --since), which holds bytes of the
  // shared one; waiting on that could mean waiting on itself.
  const budget = new ByteBudget(BATCH_BYTES);
  for (let from = 0; from < keys.length; from += step) {
    const batch = keys.slice(from, from + step);
    for await (const answer of mgetStream(client, index, batch, deep, { batchBytes: BATCH_BYTES, budget }))
      for (const element of answer.elements) {
        const { meta, record } = elementRecord(element, deep);
        // An item error (e.g. routing required) is not "no such document": reporting it missing would be a lie.
        if (meta.error)
          throw new LookupError(index, meta._id, meta.error.type ?? 'error', meta.error.reason ?? '');
        out.push(meta.found === true ? record : undefined);
      }
  }
  return out;
}
