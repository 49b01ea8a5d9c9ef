// The rule that a document Ferry wrote and the dest no longer holds is a client's delete only when the dest's own
// operation count can hold that many client operations (src/verify/client-ops.ts), on a real dest: real client
// deletes stay the client's, and a dest index re-created empty under the ledger is a loss of every document.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentProgress } from '../../src/core/progress.js';
import { Applier, type SourceChange } from '../../src/sync/applier.js';
import { Ledger } from '../../src/sync/ledger.js';
import { destOperations, proveClientOps } from '../../src/verify/client-ops.js';
import { type LiveVerifySummary, verifyLive } from '../../src/verify/live-verify.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { ndjson } from '../harness/documents.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const SETTINGS = { settings: { number_of_shards: 2, number_of_replicas: 0 } };
const DOCS = 30;

describe('client deletes checked against the dest operation count', () => {
  it('keeps real client deletes the client’s, and finds every document of a re-created dest lost', async () => {
    const index = uniqueName('cops');
    await c.source.createIndex(index, SETTINGS);
    const docs = Array.from({ length: DOCS }, (_, i) => [
      { index: { _index: index, _id: `d${i}` } },
      { n: i },
    ]);
    assert.equal((await c.source.bulk(ndjson(docs.flat()), { refresh: 'true' })).errors, false);
    await c.dest.createIndex(index, SETTINGS);
    const dir = await mkdtemp(join(tmpdir(), 'ferry-cops-'));
    const ledger = new Ledger(join(dir, 'ledger.db'));
    try {
      const applier = new Applier({ ledger, dest: c.dest, destIndex: index, now: () => new Date() });
      const hits = await c.source.search(index, {
        size: DOCS,
        version: true,
        seq_no_primary_term: true,
        query: { match_all: {} },
      });
      const changes: SourceChange[] = hits.hits.hits.map((h) => ({
        kind: 'write',
        id: h._id,
        routing: undefined,
        shard: 0,
        seqNo: h._seq_no ?? 0,
        version: h._version ?? 1,
        source: JSON.stringify(h._source),
      }));
      assert.equal((await applier.apply(changes)).written, DOCS);
      assert.equal(ledger.destOps(), DOCS, 'each create took one dest operation, counted by the ledger');
      assert.equal(await destOperations(c.dest, index), DOCS);

      // Three real client deletes on the dest: three operations the ledger did not make.
      for (const id of ['d1', 'd2', 'd3'])
        await c.dest.json({ method: 'DELETE', path: `/${index}/_doc/${id}` });
      await c.dest.refresh(index);
      const clean = await verify(index, ledger, dir);
      assert.equal(clean.byVerdict.client_deleted, 3);
      assert.equal(clean.unexplained, 0);
      assert.deepEqual(
        { ...clean.clientOps },
        { destOps: DOCS + 3, ferryOps: DOCS, clientOpsBound: 3, claimed: 3, ok: true },
      );

      // The dest index deleted and created again, empty: no client operation can explain any document gone.
      await c.dest.deleteIndex(index);
      await c.dest.createIndex(index, SETTINGS);
      const lost = await verify(index, ledger, dir);
      assert.equal(lost.byVerdict.lost, DOCS, JSON.stringify(lost.byVerdict));
      assert.equal(lost.byVerdict.client_deleted, 0);
      assert.equal(lost.unexplained, DOCS);
      assert.equal(lost.clientOps.ok, false);
      const lines = (await readFile(lost.differencesFile, 'utf8')).trim().split('\n');
      assert.equal(lines.length, DOCS);
      assert.ok(lines.every((l) => (JSON.parse(l) as { verdict: string }).verdict === 'lost'));
    } finally {
      ledger.close();
    }
  });
});

function verify(index: string, ledger: Ledger, dir: string): Promise<LiveVerifySummary> {
  return verifyLive({
    source: c.source,
    dest: c.dest,
    sourceIndex: index,
    destIndex: index,
    ledger,
    workPath: join(dir, 'work.db'),
    differencesPath: join(dir, 'differences.ndjson'),
    clientOwnedPath: join(dir, 'client-owned.ndjson'),
    catchUp: async () => {},
    recheckRounds: 0,
    progress: silentProgress,
    proveClientOps: (claimed) => proveClientOps(c.dest, index, ledger, claimed),
  });
}
