// The oracle: the exact expected final state of the index, built from what the client saw.
//
// Rule: operations on one id never overlap (the generator locks ids; by-query operations run alone), so the
// order in which the client saw writes succeed is the order the server applied them. Each successful write
// sets the id's expected state to the model's prediction (model.ts) from the previous expected state; a
// rejected write (4xx) changes nothing; an ambiguous one (no answer, 5xx) makes the id uncertain and the
// generator never touches it again. By-query operations act on the ids the model says match their query.
// Where the server answered with the resulting document (updates, a conditional write's read, the read-back
// after a by-query operation), that answer is kept as `observed` and any difference from the prediction is
// recorded as a divergence: on a single index it proves the model wrong, across a migration it shows a write
// that landed on an out-of-date copy.
//
// Switch-over: the id locks span both clusters, so one id is never written on source and dest at once, and
// an operation already in flight at the switch finishes (and is recorded) on the side it started on, so
// `switchTo` needs no pause. Every write records its side and time. A write on the destination comes later
// in client order than every write the client saw succeed on that id, so "last write wins" in this order is
// the rule that destination writes beat older source changes. A rejected write (404, 409, a write block's
// 403) changes nothing. Where the destination's copy was behind when the client wrote it (a source change
// not applied there yet), the server's answer differs from the prediction: that is recorded as a
// divergence, and a migration tool must have reported the id as a conflict.
import { sameSource } from '../../src/audit/compare.js';
import {
  type ClientErrorRecord,
  type Divergence,
  type DocSource,
  type HistoryEntry,
  OP_TYPES,
  type OpCounts,
  type OpType,
  type Side,
  type WriteRecord,
} from '../../src/audit/record.js';
import { IdPool } from './id-pool.js';

export interface ItemSuccess {
  id: string;
  predicted: DocSource | null;
  /** The server's own account of the resulting document, when the answer carried one. */
  observed?: DocSource | null;
}

export interface ItemFailure {
  id: string | undefined;
  status: number;
  errorType: string;
  ambiguous: boolean;
}

export interface OpOutcome {
  attempted: number;
  succeeded: number;
  ok: ItemSuccess[];
  failed: ItemFailure[];
}

export class Oracle {
  readonly expected = new Map<string, DocSource | null>();
  readonly observed = new Map<string, DocSource | null>();
  readonly lastWrite = new Map<string, WriteRecord>();
  readonly uncertain = new Set<string>();
  readonly divergences: Divergence[] = [];
  readonly errors: ClientErrorRecord[] = [];
  readonly history: HistoryEntry[] = [];
  readonly ops = emptyCounts();
  /** Ids whose expected state is a document / a deletion: where the generator picks targets. */
  readonly present = new IdPool();
  readonly absent = new IdPool();

  constructor(
    initial: ReadonlyMap<string, DocSource>,
    private readonly keepHistory = true,
  ) {
    for (const [id, source] of initial) {
      this.expected.set(id, source);
      this.observed.set(id, source);
      this.present.add(id);
    }
  }

  /** Expected state: a source, null when deleted, undefined when never written. */
  current(id: string): DocSource | null | undefined {
    return this.expected.get(id);
  }

  record(type: OpType, side: Side, opId: string, at: number, outcome: OpOutcome): void {
    const counts = this.ops[type];
    counts.attempted += outcome.attempted;
    counts.succeeded += outcome.succeeded;
    counts.docs += outcome.ok.length;
    for (const item of outcome.ok) this.applied(type, side, opId, at, item);
    for (const failure of outcome.failed) this.rejected(type, side, opId, at, failure);
  }

  private applied(type: OpType, side: Side, opId: string, at: number, item: ItemSuccess): void {
    const { id, predicted } = item;
    const observed = item.observed === undefined ? predicted : item.observed;
    this.expected.set(id, predicted);
    this.observed.set(id, observed);
    this.lastWrite.set(id, { opId, type, side, at });
    if (this.keepHistory) this.history.push({ id, opId, type, side, at, source: predicted });
    if (!sameSource(predicted, observed))
      this.divergences.push({ opId, type, side, id, predicted, observed });
    if (predicted === null) {
      this.present.delete(id);
      this.absent.add(id);
    } else {
      this.absent.delete(id);
      this.present.add(id);
    }
  }

  private rejected(type: OpType, side: Side, opId: string, at: number, failure: ItemFailure): void {
    const counts = this.ops[type];
    if (failure.ambiguous) counts.ambiguous++;
    else counts.failed++;
    this.errors.push({ opId, type, side, at, ...failure });
    if (failure.ambiguous && failure.id !== undefined) this.forget(failure.id);
  }

  /** The id's state is unknown from now on: leave it out of comparisons and of further operations. */
  forget(id: string): void {
    this.uncertain.add(id);
    this.present.delete(id);
    this.absent.delete(id);
  }

  lastOpByType(): Map<string, OpType> {
    return new Map([...this.lastWrite].map(([id, write]) => [id, write.type]));
  }
}

function emptyCounts(): Record<OpType, OpCounts> {
  const counts = {} as Record<OpType, OpCounts>;
  for (const type of OP_TYPES)
    counts[type] = { attempted: 0, succeeded: 0, failed: 0, ambiguous: 0, docs: 0 };
  return counts;
}
