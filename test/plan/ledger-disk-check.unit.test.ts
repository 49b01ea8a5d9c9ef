// The ledger's size is told before a migration starts: the estimate holds for a real ledger file written the way a
// backfill writes it, and a disk that cannot hold it is refused with the numbers and the fix.
import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { estimateLedger, judgeLedgerDisk } from '../../src/plan/ledger-disk-check.js';
import { Ledger } from '../../src/sync/ledger.js';
import { scatteredPages } from '../harness/ledger-rows.js';

describe('ledger disk check', () => {
  for (const idBytes of [7, 20, 36])
    it(`a ledger of 40,000 rows with ${idBytes}-byte ids fits the estimate, without doubling it`, async () => {
      const path = join(await mkdtemp(join(tmpdir(), 'ferry-ledger-size-')), 'ledger.db');
      const ledger = new Ledger(path);
      const n = 40_000;
      for (const rows of scatteredPages(n, idBytes)) ledger.commit({ rows });
      ledger.close();
      const actual = (await stat(path)).size;
      const estimate = estimateLedger(n, idBytes).bytes;
      assert.ok(actual <= estimate, `${actual} bytes on disk, estimated ${estimate}`);
      assert.ok(actual >= estimate / 2, `${actual} bytes on disk, estimated ${estimate}: far too cautious`);
    });

  it('an index of a few documents: the estimate covers the ledger file as it starts', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'ferry-ledger-size-')), 'ledger.db');
    const ledger = new Ledger(path);
    for (const rows of scatteredPages(1000, 7)) ledger.commit({ rows });
    ledger.close();
    const actual = (await stat(path)).size;
    assert.ok(
      actual <= estimateLedger(1000, 7).bytes,
      `${actual} bytes, estimated ${estimateLedger(1000, 7).bytes}`,
    );
  });

  it('refuses a disk that cannot hold the ledger, naming the sizes and the fix', () => {
    const estimate = estimateLedger(1_000_000_000, 20);
    const refused = judgeLedgerDisk(estimate, 10 * 1024 ** 3, '/var/lib/ferry');
    assert.equal(refused.ok, false);
    assert.match(
      refused.detail,
      /^the ledger of 1000000000 documents needs about 92\.0 GB \(75\.3 MB per million documents with ids of 20 bytes, plus 25% while it runs\); 10\.0 GB free in \/var\/lib\/ferry$/,
    );
    assert.match(refused.fix ?? '', /--state-dir DIR \(or FERRY_STATE_HOME\)/);
    assert.equal(judgeLedgerDisk(estimate, estimate.bytes, '/data').ok, true);
  });
});
