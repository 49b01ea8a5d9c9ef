// Runs one Ferry copy in its own process so the benchmark can read its peak RSS; prints the stats as JSON.
//   node --import tsx bench/ferry-copy-child.ts <sourceUrl> <destUrl> <index> <destIndex> <slices> <concurrency>
import { ClusterClient } from '../src/cluster/client.js';
import { DEFAULT_BATCH_LIMITS } from '../src/copy/adaptive-batch.js';
import { copyIndex } from '../src/copy/copy-index.js';

async function main(): Promise<void> {
  const [sourceUrl, destUrl, index, destIndex, slices, concurrency] = process.argv.slice(2);
  if (!sourceUrl || !destUrl || !index || !destIndex)
    throw new Error('usage: <sourceUrl> <destUrl> <index> <destIndex> [slices] [concurrency]');
  const [source, dest] = await Promise.all([
    ClusterClient.connect({ url: sourceUrl }),
    ClusterClient.connect({ url: destUrl }),
  ]);
  try {
    const result = await copyIndex({
      source,
      dest,
      sourceIndex: index,
      destIndex,
      slices: Number(slices ?? 4),
      concurrency: Number(concurrency ?? 4),
      // FERRY_BENCH_BULK_TARGET_MS: the took time over which a bulk counts as slow (adaptive-batch.ts).
      ...(process.env.FERRY_BENCH_BULK_TARGET_MS
        ? { adapt: { ...DEFAULT_BATCH_LIMITS, targetMs: Number(process.env.FERRY_BENCH_BULK_TARGET_MS) } }
        : {}),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all([source.close(), dest.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
