// Search and scroll pages as batches of CopyHits bounded by bytes: every reader of `_source` on the copy path
// (backfill slices, capture, re-copies) reads through here, so no page of large documents is held whole.
import { type AnswerBatch, type AnswerEnd, elementText } from './answer-stream.js';
import type { CopyHit } from './hits.js';
import { splitHit, toCopyHit } from './raw-hits.js';

export interface HitBatch {
  hits: CopyHit[];
  /** Ids of hits without `_source` (disabled or excluded): a document copy cannot rebuild them. */
  withoutSource: string[];
  /** Sort values of the batch's last hit: search_after resumes right after it. */
  lastSort: unknown[] | undefined;
  bytes: number;
  /** On the page's last batch. */
  end?: AnswerEnd | undefined;
}

export async function* copyHitBatches(answer: AsyncGenerator<AnswerBatch>): AsyncGenerator<HitBatch> {
  for await (const batch of answer) {
    const out: HitBatch = {
      hits: [],
      withoutSource: [],
      lastSort: undefined,
      bytes: batch.bytes,
      end: batch.end,
    };
    for (const element of batch.elements) {
      const split = splitHit(elementText(element));
      const hit = toCopyHit(split);
      if (hit) out.hits.push(hit);
      else out.withoutSource.push(split.meta._id);
      out.lastSort = split.meta.sort ?? out.lastSort;
    }
    // The raw bytes are text now: let them go while the hits are written (the reader keeps the batch until
    // it is asked for the next one, and a 20 MB document would otherwise be held twice meanwhile).
    batch.elements.length = 0;
    yield out;
  }
}
