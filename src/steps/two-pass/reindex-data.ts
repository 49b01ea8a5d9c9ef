// Step 3: the delta index is copied into the dest by reindex-from-remote, as a server task polled for progress.
// The task id is saved, so a resumed run waits for the same task instead of starting another. Running it
// again is safe in the seed's sense: the same delta is written again (op_type index).
import { getTask, startReindex } from '../../cluster/tasks.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

const POLL_MS = 500;

interface ReindexRecord {
  /** The reindex task on the dest: a resumed run waits for it instead of starting another. */
  taskId?: string;
  result?: Record<string, unknown> & { failures: number; error: unknown };
}

export const reindexData: Step<ReindexRecord> = {
  name: 'reindex_data',
  describe: (plan) => [
    `reindex-from-remote ${plan.deltaIndex} (source) into ${plan.destIndex} (dest), as a task with progress`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    let taskId = ctx.data.taskId;
    if (taskId && !(await getTask(dest, taskId))) {
      ctx.progress.warn(`reindex task ${taskId} is unknown to the dest (restarted?); starting it again`);
      taskId = undefined;
    }
    if (!taskId) {
      await source.refresh(plan.deltaIndex);
      taskId = await startReindex(dest, remoteReindexBody(ctx));
      ctx.data.taskId = taskId;
      await ctx.save();
    }
    ctx.checkpoint('task-started');
    const total = await source.count(plan.deltaIndex);
    const task = ctx.progress.task('reindex delta', total, 'docs');
    for (;;) {
      const state = await getTask(dest, taskId);
      if (!state)
        throw new StepVerificationError(
          `reindex task ${taskId} disappeared`,
          'Run `ferry resume` to start it again.',
        );
      const s = state.status;
      if (s) task.update(s.created + s.updated + s.noops + s.version_conflicts);
      if (state.completed) {
        task.finish();
        ctx.data.result = { ...s, failures: state.failures.length, error: state.error ?? null };
        await ctx.save();
        break;
      }
      if (await ctx.pauseRequested()) return { kind: 'paused' };
      await ctx.sleep(POLL_MS);
    }
    return DONE;
  },
  async verify(ctx) {
    const result = ctx.data.result;
    if (!result) throw new StepVerificationError('reindex result missing', 'Run `ferry resume`.');
    if (result.error || result.failures > 0) {
      ctx.data.taskId = undefined;
      await ctx.save();
      throw new StepVerificationError(
        `reindex ended with ${result.failures} failure(s)${result.error ? ` and error ${JSON.stringify(result.error)}` : ''}`,
        'Read the failures in `ferry status`; fix the dest mapping or capacity, then `ferry resume` runs it again.',
      );
    }
  },
};

function remoteReindexBody(ctx: StepContext): Record<string, unknown> {
  const { plan } = ctx;
  const url = new URL(plan.source.url);
  const remote: Record<string, unknown> = {
    host: `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`,
  };
  const username = plan.source.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = plan.source.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (username) {
    remote.username = username;
    remote.password = password ?? '';
  }
  if (plan.source.apiKey) remote.headers = { Authorization: `ApiKey ${plan.source.apiKey}` };
  return { source: { remote, index: plan.deltaIndex, size: 1000 }, dest: { index: plan.destIndex } };
}
