// --move-aliases: at the switch, the source index's aliases stop taking writes, so a client still on the old
// cluster gets an error instead of writing where Ferry stops reading after cleanup. They are set to
// `is_write_index: false` rather than removed: a write to a removed alias's name would create a new index of
// that name on the source (automatic index creation) and succeed unseen. Reads through them keep working. The
// dest index has had the same aliases since create_dest_index. Undo puts the definitions back.
import { getIndexAliases, putIndexAliases } from '../../cluster/aliases.js';
import type { StepContext } from '../step.js';

export async function stopSourceAliasWrites(ctx: StepContext): Promise<void> {
  const { plan, source } = ctx;
  if (!plan.moveAliases) return;
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
