// Live step 2: the destination index, shaped like the source (mappings and the settings that matter), with
// every change made reported. Ferry never lets the destination auto-create it with guessed mappings.
import { getIndexAliases } from '../../cluster/aliases.js';
import { type AliasPlan, describeAlias, notCarried, planDestAliases } from '../../plan/dest-aliases.js';
import { createDestIndexFrom, type IndexChange } from '../../plan/dest-index.js';
import { sameCluster } from '../../plan/preflight.js';
import { checkIndices, openSync } from '../../sync/open.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

export const createDestIndex: Step = {
  name: 'create_dest_index',
  describe: (plan) => [
    `create ${plan.destIndex} on the dest from ${plan.sourceIndex}'s mappings, settings and aliases (what is not carried is listed above and in the report)`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    if (await dest.indexExists(plan.destIndex)) {
      // Only a re-run after a kill gets here: the undo entry proves Ferry made it.
      if (
        ctx.state.undo.some(
          (u) => u.kind === 'delete-index' && u.side === 'dest' && u.index === plan.destIndex,
        )
      ) {
        await bindIndices(ctx);
        return DONE;
      }
      throw new StepVerificationError(
        `${plan.destIndex} exists on the dest and Ferry did not create it`,
        'Choose another --dest-index.',
      );
    }
    await ctx.recordUndo({
      kind: 'delete-index',
      side: 'dest',
      index: plan.destIndex,
      reason: 'created by create_dest_index',
    });
    const aliases = planDestAliases(
      await getIndexAliases(source, plan.sourceIndex),
      plan.destIndex,
      sameCluster(ctx),
    );
    const changes = await createDestIndexFrom(
      source,
      dest,
      plan.sourceIndex,
      plan.destIndex,
      aliases.carried,
    );
    await recordCarried(ctx, changes, aliases);
    await bindIndices(ctx);
    return DONE;
  },
  async verify(ctx) {
    if (!(await ctx.dest.indexExists(ctx.plan.destIndex)))
      throw new StepVerificationError(`${ctx.plan.destIndex} is missing on the dest`, 'Run `ferry resume`.');
  },
};

/** The ledger learns the new index's identity at once: from here on, a replaced dest index is refused. */
async function bindIndices(ctx: StepContext): Promise<void> {
  const sync = openSync(ctx);
  try {
    await checkIndices(ctx, sync.ledger);
  } finally {
    sync.close();
  }
}

/** What the dest index got and did not get from the source, for the plan's readers: the report and the log. */
export async function recordCarried(
  ctx: StepContext,
  changes: IndexChange[],
  aliases: AliasPlan,
): Promise<void> {
  await ctx.setResult('indexChanges', changes);
  await ctx.setResult('aliasesCarried', aliases.carried);
  if (Object.keys(aliases.atSwitch).length > 0) await ctx.setResult('aliasesAtSwitch', aliases.atSwitch);
  const missing = notCarried(changes, aliases);
  await ctx.setResult('notCarried', missing);
  const names = Object.entries(aliases.carried).map(([a, d]) => describeAlias(a, d));
  if (names.length > 0) ctx.progress.info(`dest index: aliases carried: ${names.join(', ')}`);
  const later = Object.entries(aliases.atSwitch).map(([a, d]) => describeAlias(a, d));
  if (later.length > 0)
    ctx.progress.info(
      `dest index: aliases ${later.join(', ')} stay on the source index until the switch (one cluster: on both, reads would return every document twice)`,
    );
  for (const m of missing)
    ctx.progress.warn(`dest index: not carried: ${m.what}=${JSON.stringify(m.value)} (${m.why})`);
}
