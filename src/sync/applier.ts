// The one writer of source changes to the destination. Every write is conditional on the destination document
// still being the one Ferry's last write produced (`if_seq_no`/`if_primary_term` from the ledger), or on there
// being none (`create`), so nothing Ferry does can overwrite or delete a client's write: a refused condition
// means a client owns the document, and the source change is recorded as a conflict instead.
// Before a bulk leaves, each document's intent (content hash, source position) is committed to the ledger;
// after the answer, the outcome and the caller's watermarks are committed together. A killed process leaves
// intents behind, which recover() resolves against the destination before anything else runs.
// A namespace import: a named import of `hash` would fail to load on Node 20 before 20.12.
import * as crypto from 'node:crypto';
import type { ClusterClient } from '../cluster/client.js';
import { BodyTooLargeError, isRetryable, TOO_LARGE_HINT } from '../cluster/errors.js';
import { ByteBudget } from '../cluster/read/byte-budget.js';
import { copyHitBatches } from '../cluster/read/hit-batches.js';
import { BATCH_BYTES } from '../cluster/read/page-sizer.js';
import { searchStream } from '../cluster/read/read-context.js';
import { backoffDelay, type RetryPolicy } from '../cluster/retry.js';
import type { BulkItemResult } from '../cluster/types.js';
import { FerryError } from '../core/errors.js';
import { realSleep, type Sleep } from '../core/time.js';
import type { WriteGate } from '../operator/write-gate.js';
import { type ConflictRow, DOC_STATE, type Intent, type Ledger, type LedgerRow } from './ledger.js';

/** One source change to bring to the destination. */
export interface SourceChange {
  kind: 'write' | 'delete';
  id: string;
  routing: string | undefined;
  shard: number;
  /** Source `_seq_no`/`_version` of the change (a delete found by comparison carries the last one seen). */
  seqNo: number;
  version: number;
  /** Raw `_source` JSON of a write. */
  source?: string;
}

export interface ApplyResult {
  written: number;
  deleted: number;
  /** Already on the destination (a re-read page, an overlap of backfill and capture). */
  skipped: number;
  conflicts: number;
}

/** Thrown after the rest of a batch was recorded: these changes could not be written at all. */
export class ApplyError extends FerryError {
  /** Only busy or unavailable-shard refusals: the next round may well succeed. */
  get transient(): boolean {
    return this.failed.every((f) => f.status === 429 || f.status === 503);
  }

  constructor(readonly failed: { id: string; status: number; reason: string }[]) {
    const busy = failed.every((f) => f.status === 429 || f.status === 503);
    super(
      `${failed.length} change(s) could not be written to the destination, e.g. ${failed
        .slice(0, 3)
        .map((f) => `${f.id}: ${f.status} ${f.reason}`)
        .join('; ')}`,
      busy
        ? 'The destination kept refusing writes as busy or blocked after every retry: check its health, write ' +
            'queues and disk watermarks (GET _cluster/health, _cat/thread_pool/write, _cat/allocation; a flood-stage ' +
            'block is index.blocks.read_only_allow_delete), then run `ferry resume`: nothing written is lost.'
        : 'Read the destination reasons above (mapping, document size), fix them, then run `ferry resume`.',
    );
  }
}

/** One document alone is over what the destination accepts in one request (HTTP 413). */
export class DocumentTooLargeError extends FerryError {
  constructor(id: string, bytes: number, cause: BodyTooLargeError) {
    super(
      `document ${id} is ${(bytes / 1024 / 1024).toFixed(1)} MB as sent, more than the destination accepts in one request (${cause.message})`,
      TOO_LARGE_HINT,
      { cause },
    );
  }
}

const RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 15_000 };
const BODY_BYTES = 8 * 1024 * 1024;
const ANSWER = { filter_path: 'items.*.status,items.*.error,items.*._seq_no,items.*._primary_term' };

interface Planned {
  change: SourceChange;
  before: LedgerRow | undefined;
  lines: string;
}

export interface ApplierOptions {
  ledger: Ledger;
  dest: ClusterClient;
  destIndex: string;
  now: () => Date;
  sleep?: Sleep;
  /** Test hook (FERRY_TEST_LOSE_CHANGES): this many updates are recorded as written but never sent. */
  loseUpdates?: number;
  /** The operator's limits and the health throttle: every bulk waits here before it leaves. */
  gate?: WriteGate;
  /** Kill-test points: after the intents are durable, and after the bulk answered (before its outcome is). */
  checkpoint?: (point: 'intents-committed' | 'bulk-answered') => void;
}

export class Applier {
  private readonly sleep: Sleep;
  private loseUpdates: number;

  constructor(private readonly o: ApplierOptions) {
    this.sleep = o.sleep ?? realSleep;
    this.loseUpdates = o.loseUpdates ?? 0;
  }

  /**
   * Applies changes in order; `marks` are committed with their outcome (the changes' source positions).
   * `adoptIdentical`: a refused create of a document the ledger has no row for is Ferry's when the destination
   * holds exactly the content sent (a re-copy after the ledger lost the row); otherwise it is a conflict.
   */
  async apply(
    changes: readonly SourceChange[],
    marks?: Record<number, number>,
    options: { adoptIdentical?: boolean } = {},
  ): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, deleted: 0, skipped: 0, conflicts: 0 };
    const rows: LedgerRow[] = [];
    const conflicts: ConflictRow[] = [];
    const planned: Planned[] = [];
    const unique = dedupe(changes);
    const rowsBefore = this.o.ledger.getMany(unique.map((c) => c.id));
    for (const change of unique) {
      const before = rowsBefore.get(change.id);
      const step = this.decide(change, before);
      if (step === 'skip') result.skipped++;
      else if (step === 'conflict') {
        rows.push(this.clientOwned(change, before));
        conflicts.push(this.conflict(change, null, null));
      } else if (step === 'lose') rows.push({ ...before!, srcSeq: change.seqNo, srcVersion: change.version });
      else planned.push({ change, before, lines: step });
    }
    // Intents first, one row for the page: a kill during the bulk leaves them for recover().
    const batch =
      planned.length > 0 ? this.o.ledger.commitIntents(planned.map((p) => intent(p.change))) : undefined;
    if (planned.length > 0) this.o.checkpoint?.('intents-committed');
    const uncertain = new Set<number>();
    const answers = await this.send(planned, uncertain);
    if (planned.length > 0) this.o.checkpoint?.('bulk-answered');
    if (options.adoptIdentical)
      planned.forEach((p, i) => {
        if (!p.before && p.change.kind === 'write') uncertain.add(i);
      });
    if (uncertain.size > 0) await this.confirmOwnWrites(planned, answers, uncertain);
    const failed: { id: string; status: number; reason: string }[] = [];
    const refused: Planned[] = [];
    let destOps = 0;
    planned.forEach((p, i) => {
      const a = answers[i];
      if (a && a.status < 300) {
        if ((a._seq_no ?? -1) >= 0) destOps++;
        rows.push(applied(p.change, a));
        if (p.change.kind === 'write') result.written++;
        else result.deleted++;
      } else if (a?.status === 409) refused.push(p);
      else {
        rows.push(p.before ?? placeholder(p.change));
        failed.push({ id: p.change.id, status: a?.status ?? 0, reason: itemReason(a?.error) });
      }
    });
    const destNow = await this.destVersions(refused);
    for (const p of refused) {
      rows.push(this.clientOwned(p.change, p.before));
      const d = destNow.get(p.change.id);
      conflicts.push(this.conflict(p.change, d?.seqNo ?? null, d?.version ?? null));
    }
    result.conflicts = conflicts.length;
    // A mark moves only past changes that all reached an outcome: a failed one is read again next time.
    this.o.ledger.commit({
      rows,
      conflicts,
      destOps,
      ...(batch !== undefined ? { settles: batch } : {}),
      ...(marks && failed.length === 0 ? { marks } : {}),
    });
    if (failed.length > 0) throw new ApplyError(failed);
    return result;
  }

  /** A refusal of a resent write whose first answer was lost: if the destination holds Ferry's write, it landed. */
  private async confirmOwnWrites(
    planned: readonly Planned[],
    answers: (BulkItemResult | undefined)[],
    uncertain: Set<number>,
  ): Promise<void> {
    const refused = [...uncertain].filter((i) => answers[i]?.status === 409);
    if (refused.length === 0) return;
    const docs = await this.destDocs(refused.map((i) => planned[i]!.change.id));
    for (const i of refused) {
      const t = intent(planned[i]!.change);
      const doc = docs.get(t.id);
      if (t.hash === '-' ? !doc : doc?.hash === t.hash)
        answers[i] = {
          _index: this.o.destIndex,
          _id: t.id,
          status: 200,
          _seq_no: doc?.seqNo ?? -1,
          _primary_term: doc?.term ?? 0,
        };
    }
  }

  /** Resolves the intents a killed process left: did that write land, or did a client write meanwhile? */
  async recover(): Promise<{ landed: number; notLanded: number; client: number }> {
    const out = { landed: 0, notLanded: 0, client: 0 };
    for (const { batch, intents } of this.o.ledger.pendingIntents()) {
      const rows: LedgerRow[] = [];
      let landed = 0;
      for (let i = 0; i < intents.length; i += 500) {
        const slice = intents.slice(i, i + 500);
        const docs = await this.destDocs(slice.map((t) => t.id));
        for (const t of slice) {
          const outcome = resolveIntent(t, this.o.ledger.get(t.id), docs.get(t.id));
          out[outcome.kind]++;
          if (outcome.kind === 'landed') landed++;
          if (outcome.row) rows.push(outcome.row);
        }
      }
      // A write that landed consumed a destination operation whose answer was lost: it is Ferry's.
      this.o.ledger.commit({ rows, settles: batch, destOps: landed });
    }
    return out;
  }

  private decide(c: SourceChange, r: LedgerRow | undefined): string | 'skip' | 'conflict' | 'lose' {
    if (r?.state === DOC_STATE.client)
      return c.seqNo > r.srcSeq || r.srcLive !== liveAfter(c) ? 'conflict' : 'skip';
    if (c.kind === 'delete') return r?.state === DOC_STATE.written ? this.lines(c, r) : 'skip';
    if (r && r.srcSeq >= c.seqNo) return 'skip';
    if (this.loseUpdates > 0 && r?.state === DOC_STATE.written) {
      this.loseUpdates--;
      return 'lose';
    }
    return this.lines(c, r);
  }

  private lines(c: SourceChange, r: LedgerRow | undefined): string {
    const meta: Record<string, unknown> = { _index: this.o.destIndex, _id: c.id };
    if (c.routing !== undefined) meta.routing = c.routing;
    const current = r?.state === DOC_STATE.written;
    if (current) {
      meta.if_seq_no = r.destSeq;
      meta.if_primary_term = r.destTerm;
    }
    if (c.kind === 'delete') return `${JSON.stringify({ delete: meta })}\n`;
    return `${JSON.stringify({ [current ? 'index' : 'create']: meta })}\n${c.source ?? '{}'}\n`;
  }

  /** Sends the planned lines in bodies of at most BODY_BYTES; only busy rejections are sent again. */
  private async send(
    planned: readonly Planned[],
    uncertain: Set<number>,
  ): Promise<(BulkItemResult | undefined)[]> {
    const answers: (BulkItemResult | undefined)[] = new Array(planned.length);
    let start = 0;
    while (start < planned.length) {
      let end = start;
      let bytes = 0;
      const maxDocs = this.o.gate?.maxBulkDocs() ?? Number.POSITIVE_INFINITY;
      while (
        end < planned.length &&
        (end === start || (bytes + planned[end]!.lines.length < BODY_BYTES && end - start < maxDocs))
      )
        bytes += planned[end++]!.lines.length;
      await this.sendWithRetry(planned, range(start, end), answers, uncertain);
      start = end;
    }
    return answers;
  }

  private async sendWithRetry(
    planned: readonly Planned[],
    indices: number[],
    answers: (BulkItemResult | undefined)[],
    uncertain: Set<number>,
  ): Promise<void> {
    let todo = indices;
    for (let attempt = 0; todo.length > 0; attempt++) {
      let items: Partial<Record<string, BulkItemResult>>[];
      const body = todo.map((i) => planned[i]!.lines).join('');
      const release = await this.o.gate?.acquire(todo.length, Buffer.byteLength(body));
      try {
        items = (await this.o.dest.bulk(body, ANSWER)).items;
      } catch (error) {
        if (error instanceof BodyTooLargeError && todo.length === 1)
          throw new DocumentTooLargeError(planned[todo[0]!]!.change.id, Buffer.byteLength(body), error);
        // Every write here is conditional, so sending one again can never apply it twice; but a lost answer
        // may hide a write that landed, so a refusal of the resend is checked against the destination.
        if (!isRetryable(error) || attempt + 1 >= RETRY.attempts) throw error;
        for (const i of todo) uncertain.add(i);
        await this.sleep(backoffDelay(RETRY, attempt));
        continue;
      } finally {
        await release?.();
      }
      const busy: number[] = [];
      let blocked: string | undefined;
      todo.forEach((index, k) => {
        const answer = items[k] ? Object.values(items[k])[0] : undefined;
        answers[index] = answer;
        if (answer?.error?.type === 'cluster_block_exception') blocked = answer.error.reason;
        if (answer && isBusy(answer) && attempt + 1 < RETRY.attempts) busy.push(index);
      });
      if (blocked !== undefined) this.o.gate?.noteBlocked(blocked);
      else if (busy.length < todo.length) this.o.gate?.noteWritten();
      todo = busy;
      if (busy.length > 0) this.o.gate?.noteBusy(busy.length);
      if (busy.length > 0) await this.sleep(backoffDelay(RETRY, attempt));
    }
  }

  private clientOwned(c: SourceChange, before: LedgerRow | undefined): LedgerRow {
    return {
      ...(before ?? placeholder(c)),
      routing: c.routing ?? null,
      shard: c.shard,
      srcSeq: Math.max(c.seqNo, before?.srcSeq ?? -1),
      srcVersion: c.version,
      srcLive: liveAfter(c),
      state: DOC_STATE.client,
    };
  }

  private conflict(c: SourceChange, destSeqNo: number | null, destVersion: number | null): ConflictRow {
    return {
      id: c.id,
      change: c.kind,
      sourceSeqNo: c.seqNo,
      sourceVersion: c.version,
      destSeqNo,
      destVersion,
      at: this.o.now().toISOString(),
    };
  }

  /** Current destination `_seq_no`/`_version` of refused documents, for the conflict report. */
  private async destVersions(refused: Planned[]): Promise<Map<string, { seqNo: number; version: number }>> {
    const out = new Map<string, { seqNo: number; version: number }>();
    if (refused.length === 0) return out;
    const docs = await this.o.dest.mgetPositions(
      this.o.destIndex,
      refused.map((p) => ({ id: p.change.id, routing: p.change.routing })),
    );
    for (const d of docs) if (d.found) out.set(d.id, { seqNo: d.seqNo ?? -1, version: d.version ?? 0 });
    return out;
  }

  /** Destination documents with their raw `_source`, seq_no and term (after a refresh, by id). */
  private async destDocs(ids: string[]): Promise<Map<string, DestDoc>> {
    await this.o.dest.refresh(this.o.destIndex);
    const answer = searchStream(
      this.o.dest,
      this.o.destIndex,
      { size: ids.length, seq_no_primary_term: true, query: { ids: { values: ids } } },
      // A budget of its own: this runs while the batch being applied holds bytes of the shared one, and waiting
      // on that could mean waiting on itself.
      { batchBytes: BATCH_BYTES, budget: new ByteBudget(BATCH_BYTES) },
    );
    // Only a hash of each source is kept, batch by batch: the documents may be large.
    const out = new Map<string, DestDoc>();
    for await (const batch of copyHitBatches(answer))
      for (const hit of batch.hits)
        out.set(hit.id, {
          seqNo: hit.seqNo ?? -1,
          term: hit.primaryTerm ?? 0,
          hash: contentHash(hit.source),
        });
    return out;
  }
}

interface DestDoc {
  seqNo: number;
  term: number;
  hash: string;
}

/** A short hash of a raw `_source`: enough to recognise Ferry's own write after a kill. */
export function contentHash(source: string): string {
  return sha1(source).slice(0, 16);
}

/** `crypto.hash` (Node 20.12 and later) is twice as fast as a Hash object for small inputs (measured, 0.4 kB). */
const sha1: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'base64url')
    : (text) => crypto.createHash('sha1').update(text).digest('base64url');

/** What a dead process's intent became: Ferry's write (landed), nothing (not landed), or a client's write. */
function resolveIntent(
  t: Intent,
  before: LedgerRow | undefined,
  doc: DestDoc | undefined,
): { kind: 'landed' | 'notLanded' | 'client'; row?: LedgerRow } {
  const base = before ?? placeholderFor(t.id, t.routing, t.shard);
  if (t.hash === '-' ? !doc : doc?.hash === t.hash) {
    const landed: LedgerRow =
      t.hash === '-'
        ? { ...base, state: DOC_STATE.deleted, srcLive: 0 }
        : {
            ...base,
            state: DOC_STATE.written,
            destSeq: doc!.seqNo,
            destTerm: doc!.term,
            srcSeq: t.seq,
            srcVersion: t.version,
            srcLive: 1,
          };
    return { kind: 'landed', row: landed };
  }
  const unchanged =
    base.state === DOC_STATE.written
      ? doc?.seqNo === base.destSeq && doc?.term === base.destTerm
      : doc === undefined;
  if (unchanged || base.state === DOC_STATE.client) return { kind: 'notLanded' };
  return { kind: 'client', row: { ...base, state: DOC_STATE.client } };
}

function intent(c: SourceChange): Intent {
  return {
    id: c.id,
    hash: c.kind === 'delete' ? '-' : contentHash(c.source ?? '{}'),
    seq: c.seqNo,
    version: c.version,
    routing: c.routing ?? null,
    shard: c.shard,
  };
}

function applied(c: SourceChange, a: BulkItemResult): LedgerRow {
  return {
    id: c.id,
    routing: c.routing ?? null,
    shard: c.shard,
    srcSeq: c.seqNo,
    srcVersion: c.version,
    srcLive: liveAfter(c),
    destSeq: a._seq_no ?? -1,
    destTerm: a._primary_term ?? 0,
    state: c.kind === 'write' ? DOC_STATE.written : DOC_STATE.deleted,
  };
}

/** The row of a document Ferry has not written: nothing of Ferry's is on the destination. */
function placeholder(c: SourceChange): LedgerRow {
  return placeholderFor(c.id, c.routing ?? null, c.shard);
}

function placeholderFor(id: string, routing: string | null, shard: number): LedgerRow {
  return {
    id,
    routing,
    shard,
    srcSeq: -1,
    srcVersion: 0,
    srcLive: 0,
    destSeq: -1,
    destTerm: 0,
    state: DOC_STATE.deleted,
  };
}

function liveAfter(c: SourceChange): 0 | 1 {
  return c.kind === 'write' ? 1 : 0;
}

const TRANSIENT_TYPES = new Set([
  'es_rejected_execution_exception',
  'opensearch_rejected_execution_exception',
  'rejected_execution_exception',
  'unavailable_shards_exception',
  'node_not_connected_exception',
  'node_closed_exception',
  'primary_missing_action_exception',
]);

/** A refusal the server did not act on: busy (429) or a shard copy moving (503, a failover). Sent again. */
function isBusy(a: BulkItemResult): boolean {
  return a.status === 429 || a.status === 503 || (a.error !== undefined && TRANSIENT_TYPES.has(a.error.type));
}

/** Within one batch only the last change of a document counts (a page can hold one id once, a merge can not). */
function dedupe(changes: readonly SourceChange[]): SourceChange[] {
  const last = new Map<string, SourceChange>();
  for (const c of changes) {
    const seen = last.get(c.id);
    if (!seen || c.seqNo >= seen.seqNo) last.set(c.id, c);
  }
  return [...last.values()];
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/**
 * A failed item's error type; a refused privilege also says which one (the server names it and the user, no
 * secret). Other reasons are left out: they may quote document content.
 */
function itemReason(error: { type: string; reason: string } | undefined): string {
  if (!error) return 'no answer';
  return error.type === 'security_exception' ? `${error.type}: ${error.reason}` : error.type;
}
