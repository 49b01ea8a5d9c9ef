// Ferry's copy in several settings, one after the other on a running bed (`npm run clusters -- up`), each in its
// own process (bench/ferry-copy-child.ts): where the time goes (slices waiting on pages vs on the writer) and
// what slices, concurrency and the bulk's slow mark change. Prints one line per run, with the load average.
//   FERRY_BED_PORT=39500 FERRY_BENCH_DOCS=300000 FERRY_BENCH_VARIANTS="4:4: 8:4: 4:4:2000" npx tsx bench/copy-variants.ts
// A variant is slices:concurrency:bulkTargetMs (empty: the default). The corpus index `cities` (4 shards) is
// loaded once and kept.
import { loadavg } from 'node:os';
import { ClusterClient } from '../src/cluster/client.js';
import { createDestIndexFrom } from '../src/copy/dest-index.js';
import { readBed } from '../test/harness/bed.js';
import { loadCorpus } from './corpus.js';
import { measure } from './measure.js';

const DOCS = Number(process.env.FERRY_BENCH_DOCS ?? 300_000);
const VARIANTS = (process.env.FERRY_BENCH_VARIANTS ?? '4:4:').split(' ').filter(Boolean);

async function main(): Promise<void> {
  const bed = await readBed();
  if (!bed) throw new Error('no bed running: start one with FERRY_BED_PORT=... npm run clusters -- up');
  const [sourceUrl, destUrl] = [bed.nodes.source[0]!.url, bed.nodes.dest[0]!.url];
  const [source, dest] = await Promise.all([
    ClusterClient.connect({ url: sourceUrl }),
    ClusterClient.connect({ url: destUrl }),
  ]);
  try {
    if (!(await source.indexExists('cities'))) await loadCorpus(source, 'cities', DOCS, 4);
    for (const variant of VARIANTS) await runVariant(source, dest, sourceUrl, destUrl, variant);
  } finally {
    await Promise.all([source.close(), dest.close()]);
  }
}

async function runVariant(
  source: ClusterClient,
  dest: ClusterClient,
  sourceUrl: string,
  destUrl: string,
  variant: string,
): Promise<void> {
  const [slices = '4', concurrency = '4', targetMs = ''] = variant.split(':');
  const destIndex = `variant-${slices}-${concurrency}-${targetMs || 'default'}`;
  if (await dest.indexExists(destIndex)) await dest.deleteIndex(destIndex);
  await createDestIndexFrom(source, dest, 'cities', destIndex);
  if (targetMs) process.env.FERRY_BENCH_BULK_TARGET_MS = targetMs;
  else delete process.env.FERRY_BENCH_BULK_TARGET_MS;
  const loadBefore = loadavg()[0]!.toFixed(1);
  const args = ['--max-old-space-size=256', '--import', 'tsx', 'bench/ferry-copy-child.ts'];
  const m = await measure(
    process.execPath,
    [...args, sourceUrl, destUrl, 'cities', destIndex, slices, concurrency],
    process.cwd(),
  );
  if (m.code !== 0) throw new Error(`variant ${variant} failed: ${m.stderr.slice(-2000)}`);
  const s = JSON.parse(m.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  await dest.refresh(destIndex);
  const count = await dest.count(destIndex);
  console.log(
    `${variant.padEnd(12)} ${m.seconds.toFixed(1)} s, load ${loadBefore}->${loadavg()[0]!.toFixed(1)}, dest count ${count}, ` +
      `waits (summed over slices) pages ${((s.readWaitMs ?? 0) / 1000).toFixed(0)} s / writer ${((s.writeWaitMs ?? 0) / 1000).toFixed(0)} s, ` +
      `${s.requests} bulks, last bulk size ${((s.finalBatchBytes ?? 0) / 1024).toFixed(0)} KB, ` +
      `${s.searchRejections ?? 0} search rejections, ${s.slowPages ?? 0} slow pages, peak RSS ${m.peakRssMb?.toFixed(0)} MB`,
  );
  await dest.deleteIndex(destIndex);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
