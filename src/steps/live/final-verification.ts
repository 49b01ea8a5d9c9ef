// Live step 5: document-by-document verification (id, `_seq_no` through the ledger, content hash) while the
// applications keep writing to the destination. A catch-up round first brings the destination up to the source;
// documents the ledger shows a client owns are counted and listed apart; everything else must match, and
// anything that still differs after re-checks (a lost, resurrected, stale or changed document) fails the step.
import { join } from 'node:path';
import { writeConflictsFile } from '../../sync/conflicts-file.js';
import { openSync, type SyncSession } from '../../sync/open.js';
import { catchUp } from '../../sync/round.js';
import { type LiveVerifySummary, verifyLive } from '../../verify/live-verify.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

const RECHECK_ROUNDS = 3;

export const finalVerification: Step = {
  name: 'final_verification',
  describe: (plan) => [
    `one more catch-up round, then verify ${plan.destIndex} against ${plan.sourceIndex} document by document (ledger position and content hash)`,
    'documents a client wrote or deleted on the dest (per the ledger) are counted apart; any other difference fails',
  ],
  async run(ctx) {
    const sync = openSync(ctx);
    try {
      await sync.applier.recover();
      const round = () => catchUpOnce(ctx, sync);
      await round();
      const dir = join(ctx.plan.stateDir, ctx.plan.id);
      const summary = await verifyLive({
        source: ctx.source,
        dest: ctx.dest,
        sourceIndex: ctx.plan.sourceIndex,
        destIndex: ctx.plan.destIndex,
        ledger: sync.ledger,
        workPath: join(dir, 'verify-work.db'),
        differencesPath: join(dir, 'differences.ndjson'),
        clientOwnedPath: join(dir, 'client-owned.ndjson'),
        catchUp: round,
        recheckRounds: RECHECK_ROUNDS,
        progress: ctx.progress,
      });
      const conflictsFile = await writeConflictsFile(ctx.plan, sync.ledger);
      ctx.data.summary = summary;
      await ctx.setResult('verification', {
        ...summary,
        conflicts: sync.ledger.counts().conflicts,
        conflictsFile,
      });
      ctx.progress.info(
        `verification: ${summary.sourceDocs} source / ${summary.destDocs} dest documents; ${summary.unexplained} unexplained difference(s); ${summary.clientOwned} owned by clients (${summary.byVerdict.client_wrote} written, ${summary.byVerdict.client_deleted} deleted on the dest)`,
      );
      return DONE;
    } finally {
      sync.close();
    }
  },
  async verify(ctx) {
    const summary = ctx.data.summary as LiveVerifySummary | undefined;
    if (!summary || summary.unexplained > 0) {
      throw new StepVerificationError(
        `${summary?.unexplained ?? '?'} document(s) differ between source and dest without an explanation (${JSON.stringify(summary?.unexplainedExamples.slice(0, 5) ?? [])}); see ${summary?.differencesFile ?? 'the differences file'}`,
        'Run `ferry resume` to sync and verify again; nothing is deleted until this is clean.',
      );
    }
  },
};

async function catchUpOnce(ctx: StepContext, sync: SyncSession): Promise<void> {
  await catchUp({
    source: ctx.source,
    index: ctx.plan.sourceIndex,
    sync,
    scanDeletes: true,
    onCommit: () => ctx.checkpoint('ledger-commit'),
  });
}
