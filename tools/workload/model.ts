// What each write does to a document, computed on the client. Each painless script sits next to the
// function that predicts its effect so the two cannot drift apart; the unit tests pin the predictions.

import type { DocSource } from '../../src/audit/record.js';
import type { Rng } from './prng.js';

const TAGS = ['red', 'green', 'blue', 'amber', 'violet'] as const;

/** A whole new workload document (index, create, the insert side of an upsert). */
export function freshDoc(id: string, rng: Rng, opId: string, groups: number): DocSource {
  return { key: id, n: rng.int(1000), grp: rng.int(groups), tag: rng.pick(TAGS), touched_by: opId };
}

/** The partial document of an update or upsert; `key` is there so an upsert creates a complete doc. */
export function patchDoc(id: string, rng: Rng, opId: string, groups: number): DocSource {
  return { key: id, grp: rng.int(groups), tag: rng.pick(TAGS), touched_by: opId };
}

/** `_update` with `doc`: a shallow merge is exact because patches only carry scalar fields. */
export function merge(current: DocSource, patch: DocSource): DocSource {
  return { ...current, ...patch };
}

/** `_update` with `doc` and `doc_as_upsert: true`. */
export function upsert(current: DocSource | null, patch: DocSource): DocSource {
  return current ? merge(current, patch) : { ...patch };
}

export const INCREMENT_SCRIPT =
  'if (ctx._source.n == null) { ctx._source.n = params.by } else { ctx._source.n += params.by } ctx._source.touched_by = params.op';

export function increment(current: DocSource, by: number, opId: string): DocSource {
  const n = typeof current.n === 'number' ? current.n + by : by;
  return { ...current, n, touched_by: opId };
}

export const RETAG_SCRIPT =
  'if (ctx._source.n == null) { ctx._source.n = 1 } else { ctx._source.n += 1 } ctx._source.tag = params.tag; ctx._source.touched_by = params.op';

/** update_by_query's script on every matching document. */
export function retag(current: DocSource, tag: string, opId: string): DocSource {
  const n = typeof current.n === 'number' ? current.n + 1 : 1;
  return { ...current, n, tag, touched_by: opId };
}

export function randomTag(rng: Rng): string {
  return rng.pick(TAGS);
}
