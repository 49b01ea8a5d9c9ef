// The applier against a real destination: a client's write always wins over Ferry's (create and if_seq_no
// refusals become reported conflicts), and the intents a killed process leaves are resolved by what the
// destination holds: landed, not landed, or overwritten by a client.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Applier, contentHash, type SourceChange } from '../../src/sync/applier.js';
import { DOC_STATE, Ledger } from '../../src/sync/ledger.js';
import { destOperations } from '../../src/verify/client-ops.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs } from '../harness/documents.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const write = (id: string, seqNo: number, body: unknown): SourceChange => ({
  kind: 'write',
  id,
  routing: undefined,
  shard: 0,
  seqNo,
  version: seqNo + 1,
  source: JSON.stringify(body),
});

async function setup(): Promise<{ index: string; ledger: Ledger; applier: Applier }> {
  const index = uniqueName('applier');
  await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-applier-')), 'ledger.db'));
  const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
  return { index, ledger, applier };
}

describe('Applier', () => {
  it('never overwrites or deletes a client’s dest write; every refused source change is a conflict', async () => {
    const { index, ledger, applier } = await setup();
    const first = await applier.apply([
      write('a', 1, { v: 'a1' }),
      write('b', 2, { v: 'b1' }),
      write('c', 3, { v: 'c1' }),
    ]);
    assert.equal(first.written, 3);
    await c.dest.json({ method: 'PUT', path: `/${index}/_doc/b`, body: { v: 'client' } });
    await c.dest.json({ method: 'DELETE', path: `/${index}/_doc/c` });
    await c.dest.json({ method: 'PUT', path: `/${index}/_doc/d`, body: { v: 'client' } });
    const again = await applier.apply([write('a', 1, { v: 'a1' })]);
    assert.equal(again.skipped, 1, 'a change already applied is skipped');
    const second = await applier.apply([
      write('a', 10, { v: 'a2' }),
      write('b', 11, { v: 'b2' }),
      write('c', 12, { v: 'c2' }),
      write('d', 13, { v: 'd-from-source' }),
    ]);
    assert.deepEqual({ written: second.written, conflicts: second.conflicts }, { written: 1, conflicts: 3 });
    const del = await applier.apply([
      { kind: 'delete', id: 'a', routing: undefined, shard: 0, seqNo: 10, version: 11 },
    ]);
    assert.equal(del.deleted, 1);
    const dest = await allDocs(c.dest, index);
    assert.deepEqual([...dest.keys()].sort(), ['b', 'd']);
    assert.deepEqual(dest.get('b')?.source, { v: 'client' });
    assert.deepEqual(dest.get('d')?.source, { v: 'client' });
    assert.equal(ledger.get('a')?.state, DOC_STATE.deleted);
    for (const id of ['b', 'c', 'd']) assert.equal(ledger.get(id)?.state, DOC_STATE.client, id);
    const conflicts = [...ledger.conflicts()];
    assert.deepEqual(conflicts.map((x) => x.id).sort(), ['b', 'c', 'd']);
    assert.equal(conflicts.find((x) => x.id === 'c')?.destSeqNo, null, 'c is gone from the dest');
    assert.ok((conflicts.find((x) => x.id === 'b')?.destVersion ?? 0) > 0, 'b carries the dest version');
    const later = await applier.apply([write('b', 20, { v: 'b3' })]);
    assert.equal(later.conflicts, 1, 'a later source change to a client-owned document is a conflict too');
    // 3 creates, 1 update and 1 delete of Ferry's took dest operations; its 4 refused writes took none. The
    // clients' 3 took the rest: what the verification's client-ops bound rests on.
    assert.equal(ledger.destOps(), 5);
    assert.equal(await destOperations(c.dest, index), 8);
    ledger.close();
  });

  it('resolves a killed run’s intents: landed, not landed, overwritten by a client', async () => {
    const { index, ledger, applier } = await setup();
    await applier.apply([write('g', 1, { v: 'g1' })]);
    const landed = JSON.stringify({ v: 'e1' });
    const lost = JSON.stringify({ v: 'f1' });
    const g2 = JSON.stringify({ v: 'g2' });
    const intent = (id: string, source: string, seq: number) => ({
      id,
      hash: contentHash(source),
      seq,
      version: seq + 1,
      routing: null,
      shard: 0,
    });
    ledger.commitIntents([intent('e', landed, 5), intent('f', lost, 6), intent('g', g2, 7)]);
    // e: the bulk landed before the kill; f: it never left; g: a client overwrote Ferry's copy meanwhile.
    await c.dest.bulk(`${JSON.stringify({ create: { _index: index, _id: 'e' } })}\n${landed}\n`);
    await c.dest.json({ method: 'PUT', path: `/${index}/_doc/g`, body: { v: 'client' } });
    assert.deepEqual(await applier.recover(), { landed: 1, notLanded: 1, client: 1 });
    assert.equal(ledger.pendingIntents().length, 0);
    assert.equal(ledger.get('e')?.state, DOC_STATE.written);
    assert.equal(ledger.get('e')?.srcSeq, 5);
    assert.equal(ledger.get('g')?.state, DOC_STATE.client);
    const retry = await applier.apply([
      write('e', 5, { v: 'e1' }),
      write('f', 6, { v: 'f1' }),
      write('g', 7, { v: 'g2' }),
    ]);
    assert.deepEqual(
      { written: retry.written, skipped: retry.skipped, conflicts: retry.conflicts },
      { written: 1, skipped: 1, conflicts: 1 },
    );
    const dest = await allDocs(c.dest, index);
    assert.deepEqual(dest.get('f')?.source, { v: 'f1' });
    assert.deepEqual(dest.get('g')?.source, { v: 'client' });
    ledger.close();
  });
});
