// Step 1: new writes for the source index go to the delta index, through a default pipeline that sets _index.
// Fixed from the seed: the delta index is created with the source's mappings first (no dynamic guesses), an
// existing default pipeline is kept (called first), and the old setting is recorded so abort puts it back.
import { getPipeline, literalTemplateValue, putPipeline, simulateSetIndex } from '../../cluster/pipelines.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step } from '../step.js';

/** The source's default pipeline before Ferry's (null: none), recorded the first time, for abort. */
interface ChangePipelineRecord {
  previousPipeline?: string | null;
}

export const changePipeline: Step<ChangePipelineRecord> = {
  name: 'change_pipeline',
  describe: (plan) => [
    `create ${plan.deltaIndex} on the source with ${plan.sourceIndex}'s mappings`,
    `create pipeline ${plan.pipeline}: set _index = ${plan.deltaIndex} (after any existing default pipeline)`,
    `set index.default_pipeline of ${plan.sourceIndex} to ${plan.pipeline} (old value recorded for abort)`,
  ],
  async run(ctx) {
    const { plan, source } = ctx;
    const settings = await source.getIndexSettings(plan.sourceIndex);
    const current = settings['index.default_pipeline'] as string | undefined;
    // On a re-run the setting may already be ours: the previous value is what we recorded the first time.
    if (ctx.data.previousPipeline === undefined) {
      ctx.data.previousPipeline = current === plan.pipeline ? null : (current ?? null);
      await ctx.save();
    }
    const previous = ctx.data.previousPipeline;

    if (!(await source.indexExists(plan.deltaIndex))) {
      await ctx.recordUndo({
        kind: 'delete-index',
        side: 'source',
        index: plan.deltaIndex,
        reason: 'delta index created by change_pipeline',
      });
      const definition = await source.getIndex(plan.sourceIndex);
      await source.createIndex(plan.deltaIndex, {
        settings: {
          number_of_shards: Number(settings['index.number_of_shards'] ?? 1),
          number_of_replicas: Number(settings['index.number_of_replicas'] ?? 1),
        },
        mappings: definition.mappings,
      });
    }

    const existing = await getPipeline(source, plan.pipeline);
    if (
      !ctx.state.undo.some(
        (u) =>
          (u.kind === 'delete-pipeline' || u.kind === 'restore-pipeline') && u.pipeline === plan.pipeline,
      )
    ) {
      await ctx.recordUndo(
        existing
          ? {
              kind: 'restore-pipeline',
              side: 'source',
              pipeline: plan.pipeline,
              previous: existing,
              reason: 'pipeline overwritten by change_pipeline',
            }
          : {
              kind: 'delete-pipeline',
              side: 'source',
              pipeline: plan.pipeline,
              reason: 'pipeline created by change_pipeline',
            },
      );
    }
    const processors: Record<string, unknown>[] = [];
    if (previous && previous !== '_none') processors.push({ pipeline: { name: previous } });
    processors.push({ set: { field: '_index', value: literalTemplateValue(plan.deltaIndex) } });
    await putPipeline(source, plan.pipeline, {
      description: `Ferry two-pass: route writes for ${plan.sourceIndex} to ${plan.deltaIndex}`,
      processors,
    });

    if (!ctx.state.undo.some((u) => u.kind === 'restore-index-setting' && u.index === plan.sourceIndex)) {
      await ctx.recordUndo({
        kind: 'restore-index-setting',
        side: 'source',
        index: plan.sourceIndex,
        setting: 'index.default_pipeline',
        previous,
        reason: 'default pipeline changed by change_pipeline',
      });
    }
    await source.putIndexSettings(plan.sourceIndex, { 'index.default_pipeline': plan.pipeline });
    return DONE;
  },
  async verify(ctx) {
    const settings = await ctx.source.getIndexSettings(ctx.plan.sourceIndex);
    if (settings['index.default_pipeline'] !== ctx.plan.pipeline) {
      throw new StepVerificationError(
        `index.default_pipeline of ${ctx.plan.sourceIndex} is ${String(settings['index.default_pipeline'])}, not ${ctx.plan.pipeline}`,
        'Run `ferry resume` to set it again.',
      );
    }
    if (!(await getPipeline(ctx.source, ctx.plan.pipeline)))
      throw new StepVerificationError(`pipeline ${ctx.plan.pipeline} is missing`, 'Run `ferry resume`.');
    const processors = (await getPipeline(ctx.source, ctx.plan.pipeline))?.processors as
      | { set?: { value?: string } }[]
      | undefined;
    const value = processors?.at(-1)?.set?.value;
    const target = value === undefined ? undefined : await simulateSetIndex(ctx.source, value, 'x');
    if (target !== ctx.plan.deltaIndex)
      throw new StepVerificationError(
        `pipeline ${ctx.plan.pipeline} would write to "${String(target)}", not to ${ctx.plan.deltaIndex}`,
        'Run `ferry abort`, then give a --delta-index without "{{" and run again.',
      );
    if (!(await ctx.source.indexExists(ctx.plan.deltaIndex)))
      throw new StepVerificationError(`delta index ${ctx.plan.deltaIndex} is missing`, 'Run `ferry resume`.');
  },
};
