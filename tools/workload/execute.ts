// Runs one planned operation against the current target and turns every answer into an oracle outcome.

import type { OpType } from '../../src/audit/record.js';
import { bulkWrite } from './ops/bulk.js';
import { byQuery } from './ops/by-query.js';
import { type OpContext, requestFailed } from './ops/context.js';
import {
  conditionalWrite,
  deleteDoc,
  partialUpdate,
  putDoc,
  scriptedUpdate,
  upsertDoc,
} from './ops/single.js';
import type { OpOutcome } from './oracle.js';

export async function execute(ctx: OpContext, type: OpType, ids: readonly string[]): Promise<OpOutcome> {
  try {
    return await dispatch(ctx, type, ids);
  } catch (error) {
    return requestFailed(ids, error);
  }
}

function dispatch(ctx: OpContext, type: OpType, ids: readonly string[]): Promise<OpOutcome> {
  const id = ids[0] as string;
  switch (type) {
    case 'index':
      return putDoc(ctx, id, '_doc');
    case 'create':
      return putDoc(ctx, id, '_create');
    case 'update':
      return partialUpdate(ctx, id);
    case 'scripted_update':
      return scriptedUpdate(ctx, id);
    case 'upsert':
      return upsertDoc(ctx, id);
    case 'delete':
      return deleteDoc(ctx, id);
    case 'conditional_write':
      return conditionalWrite(ctx, id);
    case 'bulk_index':
      return bulkWrite(ctx, 'index', ids);
    case 'bulk_update':
      return bulkWrite(ctx, 'update', ids);
    case 'bulk_upsert':
      return bulkWrite(ctx, 'upsert', ids);
    case 'bulk_scripted_update':
      return bulkWrite(ctx, 'script', ids);
    case 'bulk_delete':
      return bulkWrite(ctx, 'delete', ids);
    case 'delete_by_query':
      return byQuery(ctx, 'delete');
    case 'update_by_query':
      return byQuery(ctx, 'update');
  }
}
