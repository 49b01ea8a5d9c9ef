// Bulk writes: one request, one action kind, a few distinct ids; each item is judged on its own answer.

import type { DocSource } from '../../../src/audit/record.js';
import type { BulkItemResult } from '../../../src/cluster/types.js';
import { freshDoc, INCREMENT_SCRIPT, increment, merge, patchDoc, upsert } from '../model.js';
import type { ItemFailure, ItemSuccess, OpOutcome } from '../oracle.js';
import { currentDoc, type OpContext, statusType } from './context.js';

export type BulkKind = 'index' | 'update' | 'upsert' | 'script' | 'delete';

interface PlannedItem {
  id: string;
  action: unknown;
  body: unknown;
  predicted: DocSource | null;
}

export async function bulkWrite(ctx: OpContext, kind: BulkKind, ids: readonly string[]): Promise<OpOutcome> {
  const items = ids.map((id) => planItem(ctx, kind, id));
  const lines: string[] = [];
  for (const item of items) {
    lines.push(JSON.stringify(item.action));
    if (item.body !== undefined) lines.push(JSON.stringify(item.body));
  }
  const answer = await ctx.client.bulk(`${lines.join('\n')}\n`);
  const ok: ItemSuccess[] = [];
  const failed: ItemFailure[] = [];
  answer.items.forEach((entry, i) => {
    const item = items[i] as PlannedItem;
    const result = Object.values(entry)[0] as
      | (BulkItemResult & { get?: { _source?: DocSource } })
      | undefined;
    const status = result?.status ?? 0;
    if (status >= 200 && status < 300) {
      const observed = result?.get?._source;
      ok.push(
        observed === undefined
          ? { id: item.id, predicted: item.predicted }
          : { id: item.id, predicted: item.predicted, observed },
      );
    } else {
      failed.push({
        id: item.id,
        status,
        errorType: result?.error?.type ?? statusType(status),
        ambiguous: status >= 500 || status === 0,
      });
    }
  });
  return { attempted: items.length, succeeded: ok.length, ok, failed };
}

function planItem(ctx: OpContext, kind: BulkKind, id: string): PlannedItem {
  const meta = { _index: ctx.index, _id: id };
  const update = { update: { ...meta, _source: true } };
  switch (kind) {
    case 'index': {
      const doc = freshDoc(id, ctx.rng, ctx.opId, ctx.groups);
      return { id, action: { index: meta }, body: doc, predicted: doc };
    }
    case 'update': {
      const patch = patchDoc(id, ctx.rng, ctx.opId, ctx.groups);
      return { id, action: update, body: { doc: patch }, predicted: merge(currentDoc(ctx, id), patch) };
    }
    case 'upsert': {
      const patch = patchDoc(id, ctx.rng, ctx.opId, ctx.groups);
      return {
        id,
        action: update,
        body: { doc: patch, doc_as_upsert: true },
        predicted: upsert(ctx.oracle.current(id) ?? null, patch),
      };
    }
    case 'script': {
      const by = 1 + ctx.rng.int(5);
      const script = { lang: 'painless', source: INCREMENT_SCRIPT, params: { by, op: ctx.opId } };
      return {
        id,
        action: update,
        body: { script },
        predicted: increment(currentDoc(ctx, id), by, ctx.opId),
      };
    }
    case 'delete':
      return { id, action: { delete: meta }, body: undefined, predicted: null };
  }
}
