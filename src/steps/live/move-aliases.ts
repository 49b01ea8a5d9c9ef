// The source index's aliases at the switch, before the clients are told to move. Two cases:
// - One cluster (source and dest the same cluster uuid): the dest index was created without them (an alias on
//   both indices answers every document twice), so here they move from the source index to the dest index in
//   one atomic `_aliases` request (remove + add, filter, routing and is_write_index kept). Undo, recorded first,
//   moves them back in one request.
// - Two clusters with --move-aliases: the source aliases stop taking writes, so a client still on the old
//   cluster gets an error instead of writing where Ferry stops reading after cleanup. They are set to
//   `is_write_index: false` rather than removed: a write to a removed alias's name would create a new index of
//   that name on the source (automatic index creation) and succeed unseen. Reads through them keep working. The
//   dest index has had the same aliases since create_dest_index. Undo puts the definitions back.
import { getIndexAliases, moveIndexAliases, putIndexAliases } from '../../cluster/aliases.js';
import { planDestAliases } from '../../plan/dest-aliases.js';
import { sameCluster } from '../../plan/preflight.js';
import type { StepContext } from '../step.js';

export async function switchSourceAliases(ctx: StepContext): Promise<void> {
  if (sameCluster(ctx)) await moveAliasesToDest(ctx);
  else if (ctx.plan.moveAliases) await stopSourceAliasWrites(ctx);
}

async function moveAliasesToDest(ctx: StepContext): Promise<void> {
  const { plan, source } = ctx;
  const aliases = planDestAliases(
    await getIndexAliases(source, plan.sourceIndex),
    plan.destIndex,
    true,
  ).atSwitch;
  const names = Object.keys(aliases);
  // Nothing left to do: no aliases, or a run killed after the move already made it.
  if (names.length === 0) return;
  await ctx.recordUndo({
    kind: 'restore-aliases',
    side: 'source',
    index: plan.sourceIndex,
    aliases,
    movedTo: plan.destIndex,
    reason: 'aliases moved to the dest index at the switch (one cluster)',
  });
  ctx.state.results.aliasesMoved = { at: ctx.now().toISOString(), aliases: names, toDest: true };
  await ctx.save();
  await moveIndexAliases(source, { from: plan.sourceIndex, to: plan.destIndex, remove: names, add: aliases });
  ctx.progress.info(
    `switch: aliases ${names.join(', ')} moved from ${plan.sourceIndex} to ${plan.destIndex} in one request (one cluster)`,
  );
}

async function stopSourceAliasWrites(ctx: StepContext): Promise<void> {
  const { plan, source } = ctx;
  const writable = Object.entries(await getIndexAliases(source, plan.sourceIndex)).filter(
    ([, d]) => d.is_write_index !== false,
  );
  // Nothing left to do: no aliases, or a run killed after this already changed them.
  if (writable.length === 0) return;
  await ctx.recordUndo({
    kind: 'restore-aliases',
    side: 'source',
    index: plan.sourceIndex,
    aliases: Object.fromEntries(writable),
    reason: 'aliases moved at the switch (--move-aliases)',
  });
  ctx.state.results.aliasesMoved = {
    at: ctx.now().toISOString(),
    aliases: writable.map(([a]) => a),
  };
  await putIndexAliases(
    source,
    plan.sourceIndex,
    Object.fromEntries(writable.map(([a, d]) => [a, { ...d, is_write_index: false }])),
  );
  ctx.progress.info(
    `switch: aliases ${writable.map(([a]) => a).join(', ')} no longer take writes on the source (--move-aliases); the dest index has them`,
  );
}
