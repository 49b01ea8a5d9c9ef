// Live step 5: document-by-document verification (id, `_seq_no` through the ledger, content hash) while the
// applications keep writing to the destination. A catch-up round first brings the destination up to the source;
// documents the ledger shows a client owns are counted and listed apart; everything else must match, and
// anything that still differs after re-checks (a lost, resurrected, stale or changed document) fails the step.
import { join } from 'node:path';
import { writeConflictsFile } from '../../sync/conflicts-file.js';
import { checkIndices, openSync, type SyncSession } from '../../sync/open.js';
import { catchUp } from '../../sync/round.js';
import { destOperations, proveClientOps } from '../../verify/client-ops.js';
import { type LiveVerifySummary, verifyLive } from '../../verify/live-verify.js';
import { StepVerificationError } from '../errors.js';
import { DONE, type Step, type StepContext } from '../step.js';

const RECHECK_ROUNDS = 3;

/** `results.verification`: what the report shows and what cleanup checks again before deleting the source. */
export interface VerificationResult extends LiveVerifySummary {
  conflicts: number;
  conflictsFile: string;
  /** The dest index the verification listed. */
  destIndexUuid: string | undefined;
  /** Every operation the dest index had taken before the listing started. */
  destOpsBeforeListing: number;
  verifiedAt: string;
}

export interface FinalVerificationRecord {
  summary?: LiveVerifySummary;
}

export const finalVerification: Step<FinalVerificationRecord> = {
  name: 'final_verification',
  describe: (plan) => [
    `one more catch-up round, then verify ${plan.destIndex} against ${plan.sourceIndex} document by document (ledger position and content hash)`,
    'documents a client wrote or deleted on the dest (per the ledger) are counted apart; any other difference fails',
  ],
  async run(ctx) {
    const sync = openSync(ctx);
    try {
      await checkIndices(ctx, sync.ledger);
      await sync.applier.recover();
      const round = () => catchUpOnce(ctx, sync);
      await round();
      const dir = join(ctx.plan.stateDir, ctx.plan.id);
      // Before the listing and its refresh: a delete that the listing cannot see is counted here, and any document
      // it lists that is gone later took an operation after this (cleanup.ts).
      const destOpsBeforeListing = await destOperations(ctx.dest, ctx.plan.destIndex);
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
        proveClientOps: (claimed) => proveClientOps(ctx.dest, ctx.plan.destIndex, sync.ledger, claimed),
      });
      // The indices (and the dest shards' histories) the count was taken on are still the ones the ledger knows.
      const identities = await checkIndices(ctx, sync.ledger);
      const conflictsFile = await writeConflictsFile(ctx.plan, sync.ledger);
      ctx.data.summary = summary;
      const result: VerificationResult = {
        ...summary,
        conflicts: sync.ledger.counts().conflicts,
        conflictsFile,
        // What cleanup checks again before it deletes the source (cleanup.ts).
        destIndexUuid: identities.dest?.uuid,
        destOpsBeforeListing,
        verifiedAt: ctx.now().toISOString(),
      };
      await ctx.setResult('verification', result);
      ctx.progress.info(
        `verification: ${summary.sourceDocs} source / ${summary.destDocs} dest documents; ${summary.unexplained} unexplained difference(s); ${summary.clientOwned} owned by clients (${summary.byVerdict.client_wrote} written, ${summary.byVerdict.client_deleted} deleted on the dest)`,
      );
      return DONE;
    } finally {
      sync.close();
    }
  },
  async verify(ctx) {
    const summary = ctx.data.summary;
    const lost = summary?.byVerdict.lost ?? 0;
    if (summary && lost > 0)
      throw new StepVerificationError(
        `${lost} document(s) Ferry wrote are gone from the dest and its operation count shows that clients cannot have deleted them all (at most ${summary.clientOps.clientOpsBound} client operation(s) for ${summary.clientOps.claimed} claimed), e.g. ${summary.unexplainedExamples
          .filter((e) => e.verdict === 'lost')
          .slice(0, 5)
          .map((e) => e.id)
          .join(', ')}; every id is in ${summary.differencesFile}. The source is not deleted.`,
        `Find out what removed them on the dest (an index deleted by hand, a lost shard). Then undo with ferry abort --id ${ctx.plan.id} and run the migration again: the source still holds every document.`,
      );
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

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../../state/migration-state.js' {
  interface MigrationResults {
    verification?: VerificationResult;
  }
}
