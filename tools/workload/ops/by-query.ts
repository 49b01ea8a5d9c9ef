// delete_by_query and update_by_query on the documents of one `grp` value (a handful). They run alone
// (exclusive gate), after a refresh, and the query names the ids the model says match, so the server can
// change no document the oracle does not know about. Each id's outcome is then taken from the server: a
// real-time read-back says which ids were deleted, or carry this operation's `touched_by`. That keeps the
// oracle exact where the target's copy is behind the model (an application that moved to a destination
// still catching up) and where the request failed half-way (a write block set while it ran). When the server
// changed every named id, the prediction stands and the read-back is its `observed` (as for updates).
import type { DocSource } from '../../../src/audit/record.js';
import { enc } from '../../../src/cluster/client.js';
import { RETAG_SCRIPT, randomTag, retag } from '../model.js';
import type { ItemFailure, ItemSuccess, OpOutcome } from '../oracle.js';
import { failureOf, type OpContext } from './context.js';

interface ByQueryAnswer {
  deleted?: number;
  updated?: number;
  version_conflicts?: number;
  failures?: unknown[];
}

interface MgetAnswer {
  docs: { _id: string; found?: boolean; _source?: DocSource }[];
}

type Kind = 'delete' | 'update';

export async function byQuery(ctx: OpContext, kind: Kind): Promise<OpOutcome> {
  const group = pickGroup(ctx);
  if (group === undefined) return { attempted: 0, succeeded: 0, ok: [], failed: [] };
  const ids = matchingIds(ctx, group);
  const tag = randomTag(ctx.rng);
  let answer: ByQueryAnswer | undefined;
  let requestFailure: Omit<ItemFailure, 'id'> | undefined;
  try {
    answer = await send(ctx, kind, group, ids, tag);
  } catch (error) {
    requestFailure = failureOf(error);
  }
  let observed: Map<string, DocSource>;
  try {
    observed = await readBack(ctx, ids);
  } catch (error) {
    // Without the server's account no id's outcome is known.
    const unknown = { ...failureOf(error), errorType: 'read_back_failed', ambiguous: true };
    const failed: ItemFailure[] = ids.map((id) => ({ id, ...unknown }));
    if (requestFailure) failed.push({ id: undefined, ...requestFailure });
    return { attempted: 1, succeeded: 0, ok: [], failed };
  }
  const changed = kind === 'delete' ? answer?.deleted : answer?.updated;
  const outcome =
    changed === ids.length
      ? { ok: ids.map((id) => asPredicted(ctx, kind, id, tag, observed)), failed: [] }
      : judge(ctx, kind, ids, tag, observed, answer?.deleted);
  const failed = [...outcome.failed, ...(answer ? surprises(answer, kind, ids.length) : [])];
  if (requestFailure) failed.push({ id: undefined, ...requestFailure });
  const succeeded = requestFailure ? 0 : 1;
  return { attempted: 1, succeeded, ok: outcome.ok, failed };
}

/** The server changed every id the model named (the query cannot reach others): all applied. */
function asPredicted(
  ctx: OpContext,
  kind: Kind,
  id: string,
  tag: string,
  observed: Map<string, DocSource>,
): ItemSuccess {
  const predicted = kind === 'delete' ? null : retag(ctx.oracle.current(id) as DocSource, tag, ctx.opId);
  return { id, predicted, observed: observed.get(id) ?? null };
}

/**
 * When the request failed or changed fewer documents than the model named: per id, applied when the read-back shows this operation's effect. A missing document after a delete is
 * ambiguous only when the server deleted fewer documents than are missing (some were never there).
 */
function judge(
  ctx: OpContext,
  kind: Kind,
  ids: string[],
  tag: string,
  observed: Map<string, DocSource>,
  deleted: number | undefined,
): { ok: ItemSuccess[]; failed: ItemFailure[] } {
  const ok: ItemSuccess[] = [];
  const failed: ItemFailure[] = [];
  if (kind === 'update') {
    for (const id of ids) {
      const doc = observed.get(id);
      if (doc?.touched_by !== ctx.opId) continue;
      ok.push({ id, predicted: retag(ctx.oracle.current(id) as DocSource, tag, ctx.opId), observed: doc });
    }
    return { ok, failed };
  }
  const missing = ids.filter((id) => !observed.has(id));
  const exact = deleted === missing.length;
  for (const id of missing) {
    if (exact) ok.push({ id, predicted: null, observed: null });
    else failed.push({ id, status: 200, errorType: 'by_query_outcome_unknown', ambiguous: true });
  }
  return { ok, failed };
}

async function send(
  ctx: OpContext,
  kind: Kind,
  group: number,
  ids: string[],
  tag: string,
): Promise<ByQueryAnswer> {
  await ctx.client.refresh(ctx.index);
  return ctx.client.json<ByQueryAnswer>({
    method: 'POST',
    path: `/${enc(ctx.index)}/_${kind}_by_query`,
    query: { conflicts: 'proceed' },
    body: {
      query: { bool: { filter: [{ term: { grp: group } }, { ids: { values: ids } }] } },
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
function surprises(answer: ByQueryAnswer, kind: Kind, expected: number): ItemFailure[] {
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
