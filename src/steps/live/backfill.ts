// Live step 3: copy everything the source holds, after recording per-shard watermarks: every write at or below
// a watermark is in the copy, every write above it is picked up by change capture. Writes carry the source
// _version as an external version, so the copy and the capture can overlap without moving a document back.
// Slice cursors are saved as the copy goes; a killed backfill continues from them (or restarts a slice whose
// server context expired, which is safe for the same reason).
import { readWatermarks } from '../../copy/change-capture.js';
import { startCopyIndex } from '../../copy/copy-index.js';
import type { SliceCursor } from '../../copy/types.js';
import { DONE, type Step } from '../step.js';

const SAVE_EVERY_MS = 1000;

export const backfill: Step = {
  name: 'backfill',
  describe: (plan) => [
    `record per-shard _seq_no watermarks of ${plan.sourceIndex}`,
    `copy every document to ${plan.destIndex} with sliced reads (point-in-time or scroll), keeping _id, routing and _version (external)`,
  ],
  async run(ctx) {
    const { plan, source, dest } = ctx;
    if (!ctx.data.watermarks) {
      ctx.data.watermarks = await readWatermarks(source, plan.sourceIndex);
      await ctx.save();
    }
    ctx.checkpoint('watermarks-recorded');
    const cursors: Record<number, SliceCursor> =
      (ctx.data.cursors as Record<number, SliceCursor> | undefined) ?? {};
    let lastSave = 0;
    const job = startCopyIndex({
      source,
      dest,
      sourceIndex: plan.sourceIndex,
      destIndex: plan.destIndex,
      progress: ctx.progress,
      resume: Object.values(cursors),
      onCursor: (cursor) => {
        cursors[cursor.slice] = cursor;
        ctx.data.cursors = cursors;
        if (Date.now() - lastSave > SAVE_EVERY_MS) {
          lastSave = Date.now();
          void ctx.save();
          ctx.checkpoint('cursor-saved');
        }
      },
      onDrop: (item) => {
        ctx.progress.warn(`could not copy ${item.id}: ${item.status} ${item.errorType ?? ''} ${item.reason}`);
      },
    });
    const result = await job.done;
    ctx.data.cursors = cursors;
    await ctx.setResult('backfill', {
      docs: result.docs,
      read: result.read,
      skippedOlder: result.skippedOlder,
      dropped: result.dropped,
      retried: result.retried,
      elapsedMs: result.elapsedMs,
      readContext: result.readContext,
      slices: result.slices,
    });
    if (result.dropped > 0) {
      throw new Error(
        `${result.dropped} document(s) could not be copied (see the warnings above); nothing is lost on the source. Fix the cause and run \`ferry resume\`.`,
      );
    }
    return DONE;
  },
  async verify() {},
};
