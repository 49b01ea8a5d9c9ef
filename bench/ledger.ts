// The ledger's cost per document, without a cluster: what the applier does per page (intents committed, then
// outcomes), for N documents, then the size of the file and the speed of the lookups a delete scan makes.
//   npx tsx bench/ledger.ts [--docs 1000000]
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DOC_STATE, Ledger, type LedgerRow } from '../src/sync/ledger.js';

const docs = Number(process.argv[process.argv.indexOf('--docs') + 1] || 1_000_000);
const PAGE = 1000;
const SHARDS = 5;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-ledger-'));
  const ledger = new Ledger(join(dir, 'ledger.db'));
  let peakRss = 0;
  const started = process.hrtime.bigint();
  for (let from = 0; from < docs; from += PAGE) {
    const rows: LedgerRow[] = [];
    for (let i = from; i < Math.min(docs, from + PAGE); i++) {
      // Ids like the ones applications generate: 20 URL-safe characters.
      const id = `${i.toString(36).padStart(8, '0')}Xk3vQ9zR7pLm`;
      rows.push(row(id, i));
    }
    for (const r of rows) ledger.get(r.id);
    ledger.commit({
      rows: rows.map((r) => ({ ...r, pendingHash: 'AAAAAAAAAAAAAAAA', pendingSeq: r.srcSeq })),
    });
    ledger.commit({ rows, marks: { [from % SHARDS]: from } });
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const writeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const scanStarted = process.hrtime.bigint();
  let counted = 0;
  for (let shard = 0; shard < SHARDS; shard++) counted += ledger.liveCount(shard, -1, docs);
  const countMs = Number(process.hrtime.bigint() - scanStarted) / 1e6;
  ledger.close();
  const bytes = (await stat(join(dir, 'ledger.db'))).size;
  await rm(dir, { recursive: true, force: true });
  const lines = [
    `# Ledger cost per document (${new Date().toISOString()})`,
    '',
    `command: npx tsx bench/ledger.ts --docs ${docs}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    '',
    '| documents | write (lookup + intent + outcome, pages of 1000) | per document | file size | per document | count of all live rows (5 shards) | peak RSS |',
    '|---|---|---|---|---|---|---|',
    `| ${docs.toLocaleString('en')} | ${writeSeconds.toFixed(1)} s (${Math.round(docs / writeSeconds).toLocaleString('en')} docs/s) | ${((writeSeconds * 1e6) / docs).toFixed(1)} µs | ${(bytes / 2 ** 20).toFixed(0)} MB | ${Math.round(bytes / docs)} B | ${countMs.toFixed(0)} ms (${counted}) | ${Math.round(peakRss / 2 ** 20)} MB |`,
  ];
  console.log(lines.join('\n'));
  const out = join(
    import.meta.dirname,
    'results',
    `ledger-${new Date().toISOString().slice(0, 16).replace(':', '')}.md`,
  );
  await writeFile(out, `${lines.join('\n')}\n`);
  console.log(`\nwritten to ${out}`);
}

function row(id: string, i: number): LedgerRow {
  return {
    id,
    routing: null,
    shard: i % SHARDS,
    srcSeq: Math.floor(i / SHARDS),
    srcVersion: 1,
    srcLive: 1,
    destSeq: Math.floor(i / SHARDS),
    destTerm: 1,
    state: DOC_STATE.written,
  };
}

await main();
