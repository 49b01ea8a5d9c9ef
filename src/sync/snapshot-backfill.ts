// The snapshot/restore backfill's pieces: the engines copy the index (segments, `_seq_no`, versions, routing),
// Ferry only records where capture must start and what the dest then holds. Order matters:
//  1. marks (each shard's global checkpoint) are committed to the ledger BEFORE the snapshot starts, and the
//     snapshot flushes each primary first, so every operation at or below a mark is in the snapshot;
//  2. the restored dest documents keep their source `_seq_no` and `_version`, so a `_source`-free listing of the
//     dest gives each ledger row its source position and the dest position (`_seq_no`, `_primary_term`) that the
//     applier's conditional writes need: the ledger looks exactly as after a copy;
//  3. capture starts from the marks; a change the snapshot already holds has `_seq_no` <= its row's and is
//     skipped, a later one is written on top, and a delete after the snapshot leaves a ledger row the delete
//     scan finds. A delete between the marks and the snapshot leaves nothing on either side to reconcile.
import type { ClusterClient } from '../cluster/client.js';
import { type DocPosition, listPositions } from '../cluster/seq-listing.js';
import {
  deleteRepository,
  deleteSnapshot,
  getRepository,
  getSnapshot,
  putFsRepository,
  startSnapshot,
  verifyRepository,
} from '../cluster/snapshots.js';
import { describeUndo } from '../state/undo-action.js';
import { StepVerificationError } from '../steps/errors.js';
import type { StepContext } from '../steps/step.js';
import { DOC_STATE, type Ledger, type LedgerRow } from './ledger.js';

/** The snapshot of one live migration (lowercase: snapshot names must be). */
export function backfillSnapshotName(id: string): string {
  return `ferry-backfill-${id}`.toLowerCase();
}

/**
 * Settings the restore leaves out, as the copy path drops them (copy/dest-index.ts): a pipeline would rewrite
 * documents, allocation rules name the source's nodes, a block would stop writes, lifecycle policies may not
 * exist on the dest. Patterns never match the settings a restore cannot drop (the server skips those).
 */
export const RESTORE_IGNORED_SETTINGS = [
  'index.default_pipeline',
  'index.final_pipeline',
  'index.routing.allocation.*',
  'index.blocks.*',
  'index.lifecycle.*',
  'index.plugins.index_state_management.*',
  'index.opendistro.index_state_management.*',
] as const;

/** Registers the repository where the operator gave a location and it is missing (undo first), then verifies it. */
export async function ensureRepositories(ctx: StepContext): Promise<void> {
  const { name, location } = ctx.plan.repository;
  for (const side of ['source', 'dest'] as const) {
    const client = ctx[side];
    if (!(await getRepository(client, name))) {
      if (!location)
        throw new StepVerificationError(
          `repository ${name} is not registered on the ${side}`,
          'Register it on both clusters (or give --repository-location), then run `ferry resume`.',
        );
      await ctx.recordUndo({
        kind: 'delete-repository',
        side,
        repository: name,
        reason: 'registered for the snapshot backfill',
      });
      // Read-only on the dest: two clusters writing one repository would corrupt it.
      await putFsRepository(client, name, location, side === 'dest');
    }
    const verified = await verifyRepository(client, name);
    if (!verified.ok)
      throw new StepVerificationError(
        `repository ${name} does not verify on the ${side}: ${verified.reason}`,
        'Fix the repository (path.repo, permissions, credentials of the store), then run `ferry resume`.',
      );
  }
}

const POLL_MS = 500;

/** Starts the snapshot unless this migration already did (a resumed run waits for the same one), and waits. */
export async function takeBackfillSnapshot(ctx: StepContext): Promise<void> {
  const { plan, source } = ctx;
  const repo = plan.repository.name;
  const name = backfillSnapshotName(plan.id);
  let info = await getSnapshot(source, repo, name);
  if (info && info.state !== 'SUCCESS' && info.state !== 'IN_PROGRESS') {
    ctx.progress.warn(`snapshot ${name} ended ${info.state}; taking it again`);
    await deleteSnapshot(source, repo, name);
    info = undefined;
  }
  if (!info) {
    if (!ctx.state.undo.some((u) => u.kind === 'delete-snapshot' && u.snapshot === name))
      await ctx.recordUndo({
        kind: 'delete-snapshot',
        side: 'source',
        repository: repo,
        snapshot: name,
        reason: 'taken by the snapshot backfill',
      });
    await startSnapshot(source, repo, name, plan.sourceIndex);
  }
  ctx.checkpoint('snapshot-started');
  const task = ctx.progress.task(`snapshot ${plan.sourceIndex}`, undefined, 'bytes');
  for (;;) {
    info = await getSnapshot(source, repo, name);
    if (info?.state === 'SUCCESS') break;
    if (info && info.state !== 'IN_PROGRESS')
      throw new StepVerificationError(
        `snapshot ${name} ended ${info.state}`,
        'Check the repository on the source (disk, permissions), then `ferry resume` takes it again.',
      );
    await ctx.sleep(POLL_MS);
  }
  task.finish();
}

/** Waits until the dest lists the snapshot: a repository registered on both may cache its listing a moment. */
export async function waitUntilDestSees(ctx: StepContext, name: string): Promise<void> {
  for (let i = 0; ; i++) {
    const info = await getSnapshot(ctx.dest, ctx.plan.repository.name, name);
    if (info?.state === 'SUCCESS') return;
    if (i >= 120)
      throw new StepVerificationError(
        `the dest does not see snapshot ${name} in repository ${ctx.plan.repository.name}`,
        'Make sure both clusters register the same repository (same location or bucket), then run `ferry resume`.',
      );
    await ctx.sleep(POLL_MS);
  }
}

/** Per dest shard, the highest `_seq_no` right after the restore: everything at or below it came from the snapshot. */
export async function restoredMaxSeqNos(dest: ClusterClient, index: string): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (const s of await dest.shardSeqNos(index)) if (s.primary) out[s.shard] = s.maxSeqNo;
  return out;
}

/** The ledger row of a restored document: Ferry's write, at the source position the snapshot carried. */
export function restoredRow(p: DocPosition, shard: number): LedgerRow {
  return {
    id: p.id,
    routing: p.routing,
    shard,
    srcSeq: p.seqNo,
    srcVersion: p.version,
    srcLive: 1,
    destSeq: p.seqNo,
    destTerm: p.primaryTerm,
    state: DOC_STATE.written,
  };
}

const LIST_PAGE = 5000;

/** Lists one restored shard into the ledger from `after`; `onPage` gets each committed page's last `_seq_no`. */
export async function fillShard(o: {
  dest: ClusterClient;
  index: string;
  ledger: Ledger;
  shard: number;
  after: number;
  upTo: number;
  onPage(last: number, rows: number): Promise<boolean>;
}): Promise<{ rows: number; stopped: boolean }> {
  let after = o.after;
  let rows = 0;
  while (after < o.upTo) {
    const page = await listPositions(o.dest, o.index, o.shard, after, o.upTo, LIST_PAGE);
    if (page.length === 0) break;
    o.ledger.commit({ rows: page.map((p) => restoredRow(p, o.shard)) });
    rows += page.length;
    after = page.at(-1)!.seqNo;
    if (await o.onPage(after, page.length)) return { rows, stopped: true };
  }
  return { rows, stopped: false };
}

/**
 * At cleanup: the backfill snapshot (and a repository Ferry registered for it) is no longer needed once the dest is
 * verified; each entry leaves the undo list once done, so a killed cleanup does it again harmlessly.
 */
export async function dropBackfillSnapshot(ctx: StepContext): Promise<void> {
  for (let i = ctx.state.undo.length - 1; i >= 0; i--) {
    const u = ctx.state.undo[i]!;
    if (u.kind === 'delete-snapshot') await deleteSnapshot(ctx[u.side], u.repository, u.snapshot);
    else if (u.kind === 'delete-repository') await deleteRepository(ctx[u.side], u.repository);
    else continue;
    ctx.progress.info(`cleanup: ${describeUndo(u)}`);
    ctx.state.undo.splice(i, 1);
    await ctx.save();
  }
}
