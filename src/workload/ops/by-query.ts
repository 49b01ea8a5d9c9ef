// delete_by_query and update_by_query on the documents of one `grp` value (a handful). They run alone
// (exclusive gate), after a refresh, so the ids the model says match are exactly the ids the server finds.
// The ids are then read back (real-time get) so the oracle holds the server's own account of each.
import { enc } from '../../cluster/client.js';
import { RETAG_SCRIPT, randomTag, retag } from '../model.js';
import type { ItemFailure, OpOutcome } from '../oracle.js';
import type { DocSource } from '../types.js';
import type { OpContext } from './context.js';

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
  await ctx.client.refresh(ctx.index);
  const answer = await ctx.client.json<ByQueryAnswer>({
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
  const observed = await readBack(ctx, ids);
  const ok = ids.map((id) => ({
    id,
    predicted: kind === 'delete' ? null : retag(ctx.oracle.current(id) as DocSource, tag, ctx.opId),
    observed: observed.get(id) ?? null,
  }));
  return { attempted: 1, succeeded: 1, ok, failed: surprises(answer, kind, ids.length) };
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
