// The live strategy's verification: both sides listed (shard by shard, each a consistent scroll) into an
// on-disk SQLite work file, joined with the ledger, and every document judged by ledgerVerdict. Client-owned
// documents are counted and listed apart; anything else that differs is re-read in real time after a catch-up
// round (a source change that arrived during the listing), and what still differs is unexplained. Difference
// files are written as they are found; nothing is read back whole.
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import type { ClusterClient } from '../cluster/client.js';
import type { Progress } from '../core/progress.js';
import type { Ledger } from '../sync/ledger.js';
import type { ClientOpsProof } from './client-ops.js';
import { EXPLAINED, LIVE_VERDICTS, type LiveVerdict, ledgerVerdict } from './ledger-verdict.js';
import { listSide } from './list-side.js';
import { lookupRecords } from './lookup.js';
import type { DocRecord } from './types.js';

export interface LiveVerifyOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  ledger: Ledger;
  /** SQLite work file (deleted first and after). */
  workPath: string;
  /** NDJSON of unexplained differences, and of client-owned documents. */
  differencesPath: string;
  clientOwnedPath: string;
  /** Brings the destination up to the source once more before a re-check. */
  catchUp: () => Promise<void>;
  recheckRounds: number;
  progress: Progress;
  /**
   * Whether the dest's own operation count can hold the client operations the verdicts claim (client-ops.ts);
   * when it cannot, every document judged deleted by a client is counted lost instead.
   */
  proveClientOps: (claimed: number) => Promise<ClientOpsProof>;
}

export interface LiveVerifySummary {
  sourceDocs: number;
  destDocs: number;
  byVerdict: Record<LiveVerdict, number>;
  clientOwned: number;
  unexplained: number;
  unexplainedExamples: { id: string; verdict: LiveVerdict }[];
  /** The dest's operation count against the client operations claimed. */
  clientOps: ClientOpsProof;
  differencesFile: string;
  clientOwnedFile: string;
  seconds: number;
}

interface JoinedRow {
  id: string;
  routing: string | null;
  s_seq: number | null;
  s_hash: string | null;
  d_seq: number | null;
  d_term: number | null;
  d_hash: string | null;
  state: number | null;
  src_seq: number | null;
  dest_seq: number | null;
  dest_term: number | null;
}

export async function verifyLive(o: LiveVerifyOptions): Promise<LiveVerifySummary> {
  const started = Date.now();
  await rm(o.workPath, { force: true });
  const db = new Database(o.workPath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE src (id TEXT PRIMARY KEY, routing TEXT, seq INTEGER, hash TEXT) WITHOUT ROWID;
           CREATE TABLE dst (id TEXT PRIMARY KEY, seq INTEGER, term INTEGER, hash TEXT) WITHOUT ROWID;`);
  const diffs = createWriteStream(o.differencesPath);
  const clients = createWriteStream(o.clientOwnedPath);
  // Documents judged deleted by a client, kept apart until the operation count has said whether it can be so.
  const deletedPath = `${o.workPath}.deleted.ndjson`;
  const deleted = createWriteStream(deletedPath);
  try {
    // Everything Ferry wrote before now is searchable: a write of its own that the listing could not see would
    // pass for a client's delete (and count against the client operations: client-ops.ts).
    await Promise.all([o.source.refresh(o.sourceIndex), o.dest.refresh(o.destIndex)]);
    const [sourceDocs, destDocs] = await Promise.all([
      listInto(db, 'src', o.source, o.sourceIndex),
      listInto(db, 'dst', o.dest, o.destIndex),
    ]);
    db.exec(`ATTACH DATABASE '${o.ledger.path.replaceAll("'", "''")}' AS ledger`);
    const byVerdict = Object.fromEntries(LIVE_VERDICTS.map((v) => [v, 0])) as Record<LiveVerdict, number>;
    const suspects: Suspect[] = [];
    const rows = db
      .prepare(
        `SELECT u.id AS id, coalesce(s.routing, l.routing) AS routing, s.seq AS s_seq, s.hash AS s_hash,
                d.seq AS d_seq, d.term AS d_term, d.hash AS d_hash,
                l.state AS state, l.src_seq AS src_seq, l.dest_seq AS dest_seq, l.dest_term AS dest_term
           FROM (SELECT id FROM src UNION SELECT id FROM dst) u
           LEFT JOIN src s ON s.id = u.id LEFT JOIN dst d ON d.id = u.id LEFT JOIN ledger.docs l ON l.id = u.id`,
      )
      .iterate() as Iterable<JoinedRow>;
    for (const row of rows) {
      const verdict = judgeRow(row);
      if (EXPLAINED.has(verdict)) {
        byVerdict[verdict]++;
        if (verdict !== 'ok')
          await writeLine(verdict === 'client_deleted' ? deleted : clients, { id: row.id, verdict });
      } else suspects.push({ id: row.id, routing: row.routing ?? undefined, verdict });
    }
    const unexplained = await recheck(o, suspects, byVerdict, clients, deleted);
    for (const u of unexplained) await writeLine(diffs, u);
    await close(deleted);
    const clientOps = await o.proveClientOps(byVerdict.client_wrote + byVerdict.client_deleted);
    let lost = 0;
    if (!clientOps.ok) {
      lost = byVerdict.client_deleted;
      byVerdict.lost += lost;
      byVerdict.client_deleted = 0;
      o.progress.warn(
        `verification: ${lost} document(s) Ferry wrote are gone from the dest, but its shards took at most ${clientOps.clientOpsBound} operation(s) that were not Ferry's (${clientOps.destOps} in all, ${clientOps.ferryOps} Ferry's) for ${clientOps.claimed} claimed by clients: they are counted lost, not deleted by clients`,
      );
    }
    const lostIds = await copyAs(
      deletedPath,
      clientOps.ok ? clients : diffs,
      clientOps.ok ? 'client_deleted' : 'lost',
    );
    return {
      sourceDocs,
      destDocs,
      byVerdict,
      clientOwned: byVerdict.client_wrote + byVerdict.client_deleted,
      unexplained: unexplained.length + lost,
      unexplainedExamples: [
        ...unexplained.slice(0, 20).map((u) => ({ id: u.id, verdict: u.verdict })),
        ...lostIds.map((id) => ({ id, verdict: 'lost' as const })),
      ].slice(0, 20),
      clientOps,
      differencesFile: o.differencesPath,
      clientOwnedFile: o.clientOwnedPath,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    db.close();
    await Promise.all([close(diffs), close(clients), close(deleted)]);
    await rm(o.workPath, { force: true });
    await rm(deletedPath, { force: true });
  }
}

/** Streams the side file of client deletes into `out` with `verdict`; returns its first ids (for examples). */
async function copyAs(path: string, out: WriteStream, verdict: LiveVerdict): Promise<string[]> {
  const first: string[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === '') continue;
    const { id } = JSON.parse(line) as { id: string };
    if (first.length < 20) first.push(id);
    await writeLine(out, { id, verdict });
  }
  return first;
}

function judgeRow(r: JoinedRow): LiveVerdict {
  return ledgerVerdict(
    r.s_seq === null ? undefined : { seqNo: r.s_seq, hash: r.s_hash ?? undefined },
    r.d_seq === null
      ? undefined
      : { seqNo: r.d_seq, primaryTerm: r.d_term ?? 0, hash: r.d_hash ?? undefined },
    r.state === null
      ? undefined
      : {
          state: r.state as 1 | 2 | 3,
          srcSeq: r.src_seq ?? -1,
          destSeq: r.dest_seq ?? -1,
          destTerm: r.dest_term ?? 0,
        },
  );
}

async function listInto(
  db: Database.Database,
  table: 'src' | 'dst',
  client: ClusterClient,
  index: string,
): Promise<number> {
  const insert =
    table === 'src'
      ? db.prepare('INSERT OR REPLACE INTO src VALUES (?, ?, ?, ?)')
      : db.prepare('INSERT OR REPLACE INTO dst VALUES (?, ?, ?, ?)');
  const put = db.transaction((records: DocRecord[]) => {
    for (const r of records)
      if (table === 'src') insert.run(r.id, r.routing ?? null, r.seqNo ?? -1, r.hash ?? null);
      else insert.run(r.id, r.seqNo ?? -1, r.primaryTerm ?? 0, r.hash ?? null);
  });
  return listSide({
    client,
    index,
    deep: true,
    sample: 1,
    concurrency: 2,
    pageSize: 1000,
    onPage: async (records) => put(records),
  });
}

/** Re-reads suspects in real time after a catch-up round, up to `rounds` times; returns what still differs. */
interface Suspect {
  id: string;
  routing: string | undefined;
  verdict: LiveVerdict;
  source?: DocRecord;
  dest?: DocRecord;
}

async function recheck(
  o: LiveVerifyOptions,
  suspects: Suspect[],
  byVerdict: Record<LiveVerdict, number>,
  clients: WriteStream,
  deleted: WriteStream,
): Promise<Suspect[]> {
  let pending = suspects;
  for (let round = 0; round < o.recheckRounds && pending.length > 0; round++) {
    o.progress.info(`verification: re-checking ${pending.length} document(s) after a catch-up round`);
    await o.catchUp();
    const [src, dst] = await Promise.all([
      lookupRecords(o.source, o.sourceIndex, pending, true),
      lookupRecords(o.dest, o.destIndex, pending, true),
    ]);
    const next: Suspect[] = [];
    pending.forEach((k, i) => {
      const s = src[i];
      const d = dst[i];
      const l = o.ledger.get(k.id);
      const verdict = ledgerVerdict(
        s && { seqNo: s.seqNo ?? -1, hash: s.hash },
        d && { seqNo: d.seqNo ?? -1, primaryTerm: d.primaryTerm ?? 0, hash: d.hash },
        l,
      );
      if (EXPLAINED.has(verdict)) {
        byVerdict[verdict]++;
        if (verdict !== 'ok')
          (verdict === 'client_deleted' ? deleted : clients).write(
            `${JSON.stringify({ id: k.id, verdict })}\n`,
          );
      } else {
        next.push({
          id: k.id,
          routing: k.routing,
          verdict,
          ...(s ? { source: s } : {}),
          ...(d ? { dest: d } : {}),
        });
      }
    });
    pending = next;
  }
  for (const u of pending) byVerdict[u.verdict]++;
  return pending;
}

async function writeLine(out: WriteStream, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  if (out.writableFinished) return;
  out.end();
  await once(out, 'finish');
}
