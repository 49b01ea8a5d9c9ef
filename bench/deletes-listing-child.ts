// The comparator of the deletes benchmark, in a process of its own so its RSS is its own: the method Ferry used
// before deletes were counted (its reconcile module, added in git 6dba822, removed in 4500aa7). Writes come
// through the same capture as Ferry's (catch-up rounds without the delete scan); deletes through a full
// listing of both sides by (id, version) every N seconds, whose `extra` documents, once a realtime read of
// the source says they are gone, are deleted through the same applier. Bench only: this is not a Ferry code
// path.
//   node --import tsx bench/deletes-listing-child.ts <sourceUrl> <destUrl> <sourceIndex> <destIndex> <everySeconds>
// Prints JSON lines: {"ready":true} once backfilled, {"pass":...} after each listing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient } from '../src/cluster/client.js';
import { silentProgress } from '../src/core/progress.js';
import { Applier, type SourceChange } from '../src/sync/applier.js';
import { backfillIndex } from '../src/sync/backfill.js';
import { captureBounds } from '../src/sync/capture.js';
import { DOC_STATE, Ledger, type LedgerRow } from '../src/sync/ledger.js';
import { catchUp } from '../src/sync/round.js';
import { verifyIndices } from '../src/verify/index.js';
import type { ReportLine } from '../src/verify/report-file.js';

const [sourceUrl = '', destUrl = '', sourceIndex = '', destIndex = '', every = '15'] = process.argv.slice(2);
const source = await ClusterClient.connect({ url: sourceUrl });
const dest = await ClusterClient.connect({ url: destUrl });
const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-listing-'));
const ledger = new Ledger(join(dir, 'ledger.db'));
const applier = new Applier({ ledger, dest, destIndex, now: () => new Date() });
const sync = { ledger, applier, close: () => ledger.close() };
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

const definition = await source.getIndex(sourceIndex);
await dest.createIndex(destIndex, {
  settings: { number_of_shards: definition.settings.index.number_of_shards, number_of_replicas: 0 },
  mappings: definition.mappings,
});
const bounds = await captureBounds(source, sourceIndex);
ledger.commit({ marks: bounds.marks, histories: bounds.histories });
await backfillIndex({
  source,
  index: sourceIndex,
  applier,
  progress: silentProgress,
  cursors: {},
  onCursor: async () => undefined,
});
await catchUp({ source, index: sourceIndex, sync, scanDeletes: false });
console.log(JSON.stringify({ ready: true }));

let lastPass = 0;
while (!stopping) {
  await catchUp({ source, index: sourceIndex, sync, scanDeletes: false });
  if (Date.now() - lastPass >= Number(every) * 1000) {
    lastPass = Date.now();
    const deleted = await listingPass();
    console.log(JSON.stringify({ pass: { seconds: (Date.now() - lastPass) / 1000, deleted } }));
  }
  await new Promise((r) => setTimeout(r, 250));
}
ledger.close();
await rm(dir, { recursive: true, force: true });
await Promise.all([source.close(), dest.close()]);

/** One listing of both sides; documents only the dest has and the source really lost are deleted there. */
async function listingPass(): Promise<number> {
  const work = await mkdtemp(join(dir, 'pass-'));
  try {
    const outPath = join(work, 'differences.ndjson');
    await verifyIndices({ source, dest, sourceIndex, destIndex, outPath, recheckRounds: 0, workDir: work });
    const extra = (await readFile(outPath, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ReportLine)
      .filter((l) => l.class === 'extra')
      .map((l) => ledger.get(l.id))
      .filter((r): r is LedgerRow => r?.state === DOC_STATE.written);
    let deleted = 0;
    for (let i = 0; i < extra.length; i += 500) {
      const batch = extra.slice(i, i + 500);
      const now = await source.mgetPositions(sourceIndex, batch);
      const gone: SourceChange[] = batch
        .filter((_, k) => !now[k]!.found && !now[k]!.error)
        .map((r) => ({
          kind: 'delete',
          id: r.id,
          routing: r.routing ?? undefined,
          shard: r.shard,
          seqNo: r.srcSeq,
          version: r.srcVersion,
        }));
      deleted += (await applier.apply(gone)).deleted;
    }
    return deleted;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
