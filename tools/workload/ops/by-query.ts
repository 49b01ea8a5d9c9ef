// delete_by_query and update_by_query on the documents of one `grp` value (a handful). They run alone
// (exclusive gate), after a refresh, so the ids the model says match are exactly the ids the server finds.
// The ids are then read back (real-time get) so the oracle holds the server's own account of each.

import type { DocSource } from '../../../src/audit/record.js';
import { enc } from '../../../src/cluster/client.js';
import { RETAG_SCRIPT, randomTag, retag } from '../model.js';
import type { ItemFailure, OpOutcome } from '../oracle.js';
import { failureOf, type OpContext, requestFailed } from './context.js';

interface ByQueryAnswer {
  deleted?: number;
  updated?: number;
  version_conflicts?: number;
  failures?: unknown[];
}

interface MgetAnswer {
  docs: { _id: string; found?: boolean; _source?: DocSource }[];
}

export async function byQuery(ctx: OpContext, kind: 'delete' | 'update'): Promise<OpOutcome> {
  const group = pickGroup(ctx);
  if (group === undefined) return { attempted: 0, succeeded: 0, ok: [], failed: [] };
  const ids = matchingIds(ctx, group);
  const tag = randomTag(ctx.rng);
  let answer: ByQueryAnswer;
  try {
    answer = await send(ctx, kind, group, tag);
  } catch (error) {
    // Any of the matching ids may have been changed: the failure is recorded against each of them.
    return { ...requestFailed(ids, error), attempted: 1 };
  }
  const failed = surprises(answer, kind, ids.length);
  let observed: Map<string, DocSource> | undefined;
  try {
    observed = await readBack(ctx, ids);
  } catch (error) {
    // The operation was applied; only the server's account of it is missing, so it is not ambiguous.
    failed.push({ id: undefined, ...failureOf(error), errorType: 'read_back_failed', ambiguous: false });
  }
  const ok = ids.map((id) => {
    const predicted = kind === 'delete' ? null : retag(ctx.oracle.current(id) as DocSource, tag, ctx.opId);
    return observed ? { id, predicted, observed: observed.get(id) ?? null } : { id, predicted };
  });
  return { attempted: 1, succeeded: 1, ok, failed };
}

async function send(
  ctx: OpContext,
  kind: 'delete' | 'update',
  group: number,
  tag: string,
): Promise<ByQueryAnswer> {
  await ctx.client.refresh(ctx.index);
  return ctx.client.json<ByQueryAnswer>({
    method: 'POST',
    path: `/${enc(ctx.index)}/_${kind}_by_query`,
    query: { conflicts: 'proceed' },
    body: {
      query: { term: { grp: group } },
      ...(kind === 'update'
        ? { script: { lang: 'painless', source: RETAG_SCRIPT, params: { tag, op: ctx.opId } } }
        : {}),
    },
    idempotent: false,
    what: `workload ${kind}_by_query grp=${group}`,
  });
}

/** The group of a random present document, so the query matches at least one. */
function pickGroup(ctx: OpContext): number | undefined {
  const id = ctx.oracle.present.pick(
    ctx.rng,
    (candidate) => typeof ctx.oracle.current(candidate)?.grp === 'number',
  );
  return id === undefined ? undefined : (ctx.oracle.current(id)?.grp as number);
}

function matchingIds(ctx: OpContext, group: number): string[] {
  const ids: string[] = [];
  for (const [id, doc] of ctx.oracle.expected) {
    if (doc && doc.grp === group && !ctx.oracle.uncertain.has(id)) ids.push(id);
  }
  return ids;
}

async function readBack(ctx: OpContext, ids: string[]): Promise<Map<string, DocSource>> {
  if (ids.length === 0) return new Map();
  const answer = await ctx.client.json<MgetAnswer>({
    method: 'POST',
    path: `/${enc(ctx.index)}/_mget`,
    body: { ids },
    idempotent: true,
    what: 'workload read-back',
  });
  return new Map(answer.docs.filter((d) => d.found && d._source).map((d) => [d._id, d._source as DocSource]));
}

/** Counts that disagree with the model are recorded (not thrown): across a migration they are findings. */
function surprises(answer: ByQueryAnswer, kind: 'delete' | 'update', expected: number): ItemFailure[] {
  const found: ItemFailure[] = [];
  const changed = kind === 'delete' ? answer.deleted : answer.updated;
  if (changed !== expected)
    found.push({
      id: undefined,
      status: 200,
      errorType: `by_query_changed_${changed}_expected_${expected}`,
      ambiguous: false,
    });
  if (answer.version_conflicts)
    found.push({
      id: undefined,
      status: 409,
      errorType: 'version_conflict_engine_exception',
      ambiguous: false,
    });
  if (answer.failures?.length)
    found.push({ id: undefined, status: 500, errorType: 'by_query_failures', ambiguous: false });
  return found;
}
