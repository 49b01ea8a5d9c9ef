// The ledger's storage contract on a real SQLite file: rows, marks and conflicts commit together; intents are
// found again by a new process; counts per shard and _seq_no range are what the delete scan relies on.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bindRun, IdentityError } from '../../src/sync/identity.js';
import { DOC_STATE, Ledger, type LedgerRow } from '../../src/sync/ledger.js';

const row = (id: string, shard: number, srcSeq: number, extra: Partial<LedgerRow> = {}): LedgerRow => ({
  id,
  routing: null,
  shard,
  srcSeq,
  srcVersion: 1,
  srcLive: 1,
  destSeq: srcSeq + 100,
  destTerm: 1,
  state: DOC_STATE.written,
  ...extra,
});

async function tempLedger(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'ferry-ledger-')), 'ledger.db');
}

describe('Ledger', () => {
  it('keeps rows, marks and conflicts across a reopen', async () => {
    const path = await tempLedger();
    const a = new Ledger(path);
    a.commit({
      rows: [row('x', 0, 3), row('y', 1, 4)],
      marks: { 0: 3, 1: 4 },
      conflicts: [
        { id: 'x', change: 'write', sourceSeqNo: 5, sourceVersion: 2, destSeqNo: 7, destVersion: 3, at: 't' },
      ],
    });
    const settled = a.commitIntents([{ id: 'x', hash: 'h', seq: 5, version: 2, routing: null, shard: 0 }]);
    a.commit({ settles: settled });
    a.commitIntents([{ id: 'y', hash: 'h', seq: 9, version: 2, routing: null, shard: 1 }]);
    a.close();
    const b = new Ledger(path);
    assert.deepEqual(b.get('x'), row('x', 0, 3));
    assert.deepEqual(b.marks(), { 0: 3, 1: 4 });
    assert.deepEqual(
      b.pendingIntents().flatMap((p) => p.intents.map((t) => t.id)),
      ['y'],
      'only the intent batch that was never settled is left',
    );
    assert.equal([...b.conflicts()].length, 1);
    assert.deepEqual(b.counts(), { docs: 2, written: 2, deleted: 0, client: 0, conflicts: 1 });
    b.close();
  });

  it('counts live rows per shard and (from, to] range, leaving out documents the source deleted', async () => {
    const l = new Ledger(await tempLedger());
    l.commit({
      rows: [row('a', 0, 1), row('b', 0, 5), row('c', 0, 9, { srcLive: 0 }), row('d', 1, 5)],
    });
    assert.equal(l.liveCount(0, -1, 10), 2);
    assert.equal(l.liveCount(0, 1, 5), 1);
    assert.deepEqual(
      l.liveRows(0, -1, 10).map((r) => r.id),
      ['a', 'b'],
    );
    l.close();
  });

  it('a conflict is recorded once per document and source change', async () => {
    const l = new Ledger(await tempLedger());
    const c = {
      id: 'x',
      change: 'write' as const,
      sourceSeqNo: 5,
      sourceVersion: 2,
      destSeqNo: 7,
      destVersion: 3,
      at: 't',
    };
    l.commit({ conflicts: [c] });
    l.commit({ conflicts: [c, { ...c, sourceSeqNo: 6 }] });
    assert.equal(l.counts().conflicts, 2);
    l.close();
  });
});

describe('Ledger identity and operation count', () => {
  it('counts the dest operations Ferry took, durably, with a restored snapshot’s set once', async () => {
    const path = await tempLedger();
    const a = new Ledger(path);
    a.commit({ rows: [row('x', 0, 1)], destOps: 3 });
    a.commit({ destOps: 2 });
    a.setMeta('dest_restored_ops', '10');
    a.setMeta('dest_restored_ops', '10');
    a.close();
    const b = new Ledger(path);
    assert.equal(b.destOps(), 15);
    b.close();
  });

  it('is bound to the run that made it: another run is refused, naming the fix', async () => {
    const path = await tempLedger();
    const a = new Ledger(path);
    bindRun(a, 'run-1', 'orders');
    bindRun(a, 'run-1', 'orders');
    assert.throws(
      () => bindRun(a, 'run-2', 'orders'),
      (e: unknown) =>
        e instanceof IdentityError &&
        /belongs to another run of migration orders \(run run-1; this run is run-2\)/.test(e.message) &&
        /ferry abort --id orders/.test(e.hint ?? ''),
    );
    a.close();
  });
});

describe('Ledger format', () => {
  it('refuses a file written in another format, naming the fix', async () => {
    const path = await tempLedger();
    const Database = (await import('better-sqlite3')).default;
    const old = new Database(path);
    old.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, a, b, c, d, e, f, g, h, i, j, k)');
    old.close();
    assert.throws(() => new Ledger(path), /another Ferry version/);
  });
});
