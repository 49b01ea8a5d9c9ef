// The snapshot backfill's ledger fill gathers the listings' pages from every shard into large transactions: a
// shard's cursor is reported only once its rows are committed (what a resumed listing starts after).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DocPosition } from '../../src/cluster/seq-listing.js';
import { Ledger } from '../../src/sync/ledger.js';
import { FillCommits } from '../../src/sync/snapshot-backfill.js';

function page(shard: number, from: number, n: number): DocPosition[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${shard}-${from + i}`,
    routing: null,
    seqNo: from + i,
    primaryTerm: 1,
    version: 1,
  }));
}

describe('ledger fill commits', () => {
  it('commits pages of several shards together at the threshold, cursors only with their rows', async () => {
    const ledger = new Ledger(join(await mkdtemp(join(tmpdir(), 'ferry-fill-')), 'ledger.db'));
    const reported: { cursors: Record<number, number>; rows: number; inLedger: number }[] = [];
    const commits = new FillCommits(
      ledger,
      async (cursors, rows) => {
        reported.push({ cursors, rows, inLedger: ledger.counts().docs });
      },
      10,
    );
    await commits.add(0, page(0, 0, 4));
    await commits.add(1, page(1, 0, 4));
    assert.equal(ledger.counts().docs, 0, 'nothing is committed below the threshold');
    await commits.add(0, page(0, 4, 4));
    assert.deepEqual(reported, [{ cursors: { 0: 7, 1: 3 }, rows: 12, inLedger: 12 }]);
    await commits.add(2, page(2, 0, 3));
    await commits.flush();
    await commits.flush();
    assert.deepEqual(reported.at(-1), { cursors: { 2: 2 }, rows: 3, inLedger: 15 });
    assert.equal(reported.length, 2);
    assert.equal(ledger.get('s0-5')?.srcSeq, 5);
    assert.equal(ledger.get('s2-2')?.shard, 2);
    ledger.close();
  });
});
