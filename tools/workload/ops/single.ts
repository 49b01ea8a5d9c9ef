// Single-document writes, each sent once (idempotent: false) so the client sees exactly one outcome.

import type { DocSource } from '../../../src/audit/record.js';
import { freshDoc, INCREMENT_SCRIPT, increment, merge, patchDoc, upsert } from '../model.js';
import type { OpOutcome } from '../oracle.js';
import { currentDoc, docPath, type OpContext, oneSuccess } from './context.js';

interface UpdateAnswer {
  get?: { _source?: DocSource };
}

interface GetAnswer {
  _seq_no: number;
  _primary_term: number;
  _source: DocSource;
}

/** PUT _doc (replace or create) or PUT _create (fails with 409 if the id exists). */
export async function putDoc(ctx: OpContext, id: string, endpoint: '_doc' | '_create'): Promise<OpOutcome> {
  const doc = freshDoc(id, ctx.rng, ctx.opId, ctx.groups);
  await ctx.client.json({
    method: 'PUT',
    path: docPath(ctx, endpoint, id),
    body: doc,
    idempotent: false,
    what: `workload ${endpoint} ${id}`,
  });
  return oneSuccess(id, doc);
}

export async function partialUpdate(ctx: OpContext, id: string): Promise<OpOutcome> {
  const patch = patchDoc(id, ctx.rng, ctx.opId, ctx.groups);
  const observed = await update(ctx, id, { doc: patch });
  return oneSuccess(id, merge(currentDoc(ctx, id), patch), observed);
}

export async function scriptedUpdate(ctx: OpContext, id: string): Promise<OpOutcome> {
  const by = 1 + ctx.rng.int(5);
  const observed = await update(ctx, id, {
    script: { lang: 'painless', source: INCREMENT_SCRIPT, params: { by, op: ctx.opId } },
  });
  return oneSuccess(id, increment(currentDoc(ctx, id), by, ctx.opId), observed);
}

export async function upsertDoc(ctx: OpContext, id: string): Promise<OpOutcome> {
  const patch = patchDoc(id, ctx.rng, ctx.opId, ctx.groups);
  const observed = await update(ctx, id, { doc: patch, doc_as_upsert: true });
  return oneSuccess(id, upsert(ctx.oracle.current(id) ?? null, patch), observed);
}

export async function deleteDoc(ctx: OpContext, id: string): Promise<OpOutcome> {
  await ctx.client.json({
    method: 'DELETE',
    path: docPath(ctx, '_doc', id),
    idempotent: false,
    what: `workload delete ${id}`,
  });
  return oneSuccess(id, null);
}

/** Read, then write back with if_seq_no/if_primary_term: the optimistic-concurrency pattern applications use. */
export async function conditionalWrite(ctx: OpContext, id: string): Promise<OpOutcome> {
  const read = await ctx.client.json<GetAnswer>({
    method: 'GET',
    path: docPath(ctx, '_doc', id),
    what: `workload read ${id}`,
  });
  const body = increment(read._source, 1, ctx.opId);
  await ctx.client.json({
    method: 'PUT',
    path: docPath(ctx, '_doc', id),
    query: { if_seq_no: read._seq_no, if_primary_term: read._primary_term },
    body,
    idempotent: false,
    what: `workload conditional write ${id}`,
  });
  return oneSuccess(id, increment(currentDoc(ctx, id), 1, ctx.opId), body);
}

async function update(ctx: OpContext, id: string, body: unknown): Promise<DocSource | undefined> {
  const answer = await ctx.client.json<UpdateAnswer>({
    method: 'POST',
    path: docPath(ctx, '_update', id),
    query: { _source: true },
    body,
    idempotent: false,
    what: `workload update ${id}`,
  });
  return answer.get?._source;
}
