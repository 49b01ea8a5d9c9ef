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
import { DOC_STATE, type Ledger, type LedgerRow } from './ledger.js';

/** The snapshot of one live migration (lowercase: snapshot names must be). */
export function backfillSnapshotName(id: string): string {
  return `ferry-backfill-${id}`.toLowerCase();
}

/**
 * Settings the restore leaves out, as the copy path drops them (plan/dest-index.ts): a pipeline would rewrite
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

/**
 * Rows per ledger transaction. A listing arrives in random id order, so every transaction rewrites leaf pages all
 * over the id b-tree: one million rows took 21.9 s in transactions of 5000 rows and 7.0 s in transactions of 50,000
 * (better-sqlite3, WAL, load average 3-5).
 */
export const FILL_COMMIT_ROWS = 50_000;

/**
 * The listings' rows, gathered from every shard and committed to the ledger together; `onCommit` gets each
 * shard's last committed `_seq_no` only once its rows are in (what a resumed listing starts after).
 */
export class FillCommits {
  private rows: LedgerRow[] = [];
  private cursors: Record<number, number> = {};

  constructor(
    private readonly ledger: Ledger,
    private readonly onCommit: (cursors: Record<number, number>, rows: number) => Promise<void>,
    private readonly commitRows = FILL_COMMIT_ROWS,
  ) {}

  async add(shard: number, page: readonly DocPosition[]): Promise<void> {
    for (const p of page) this.rows.push(restoredRow(p, shard));
    this.cursors[shard] = page.at(-1)!.seqNo;
    if (this.rows.length >= this.commitRows) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    const cursors = this.cursors;
    this.rows = [];
    this.cursors = {};
    this.ledger.commit({ rows });
    await this.onCommit(cursors, rows.length);
  }
}

/** Lists one restored shard from `after` into `commits`; stops between pages when `stop` says so. */
export async function fillShard(o: {
  dest: ClusterClient;
  index: string;
  commits: FillCommits;
  shard: number;
  after: number;
  upTo: number;
  stop(): Promise<boolean>;
}): Promise<{ rows: number; stopped: boolean }> {
  let after = o.after;
  let rows = 0;
  while (after < o.upTo) {
    const page = await listPositions(o.dest, o.index, o.shard, after, o.upTo, LIST_PAGE);
    if (page.length === 0) break;
    await o.commits.add(o.shard, page);
    rows += page.length;
    after = page.at(-1)!.seqNo;
    if (await o.stop()) return { rows, stopped: true };
  }
  return { rows, stopped: false };
}
