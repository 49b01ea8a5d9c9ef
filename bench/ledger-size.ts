// The ledger's size on disk per document, by id length: what preflight's estimate (plan/ledger-disk-check.ts)
// rests on. Rows go in through Ledger.commit in pages of 1000, in an order unrelated to the ids (as a sliced read
// hands them over), 10% with a routing; the file is measured after close (write-ahead log checkpointed).
//   npx tsx bench/ledger-size.ts [--docs 1000000]
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { estimateLedger, ledgerRowBytes } from '../src/plan/ledger-disk-check.js';
import { Ledger } from '../src/sync/ledger.js';
import { scatteredPages } from '../test/harness/ledger-rows.js';

const docs = Number(process.argv[process.argv.indexOf('--docs') + 1] || 1_000_000);
const ID_BYTES = [7, 20, 36];

async function sizeFor(idBytes: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-ledger-size-'));
  const path = join(dir, 'ledger.db');
  const ledger = new Ledger(path);
  for (const rows of scatteredPages(docs, idBytes)) ledger.commit({ rows });
  ledger.close();
  const bytes = (await stat(path)).size;
  await rm(dir, { recursive: true });
  return bytes;
}

const lines = [
  `# Ledger size by id length, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `- Command: \`npx tsx bench/ledger-size.ts --docs ${docs}\``,
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`,
  '- Rows through `Ledger.commit` in pages of 1000, ids in an order unrelated to their value, 10% with a routing;',
  '  the file measured after close. "model" is `ledgerRowBytes` (33 + 2.3 × id bytes); preflight asks 25% more.',
  '',
  '| id bytes | documents | file MB | bytes / document | model bytes / document | preflight estimate MB | file ÷ estimate |',
  '|---:|---:|---:|---:|---:|---:|---:|',
];
for (const idBytes of ID_BYTES) {
  const bytes = await sizeFor(idBytes);
  const estimate = estimateLedger(docs, idBytes).bytes;
  lines.push(
    `| ${idBytes} | ${docs} | ${(bytes / 1e6).toFixed(1)} | ${(bytes / docs).toFixed(1)} | ${ledgerRowBytes(idBytes).toFixed(1)} | ${(estimate / 1e6).toFixed(1)} | ${(bytes / estimate).toFixed(2)} |`,
  );
  console.log(lines.at(-1));
}
const file = join('bench', 'results', `ledger-size-${new Date().toISOString().slice(0, 10)}.md`);
await writeFile(file, `${lines.join('\n')}\n`);
console.log(`report: ${file}`);
