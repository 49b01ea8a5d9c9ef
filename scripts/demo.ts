// The README's demo: start two local clusters, load a sample index on the source, and show what runs.
// (Becomes a full live migration once that strategy lands.)
import { ClusterClient } from '../src/cluster/client.js';
import { bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';

async function main(): Promise<void> {
  const pair = parseEnginePair(process.env.FERRY_ENGINE ?? 'opensearch-2');
  console.log(`starting source and dest clusters (${pair.source} -> ${pair.dest}) ...`);
  const bed = await bedUp(pair, undefined);
  console.log(`source ${bed.source.url}  dest ${bed.dest.url}  shared snapshots ${bed.repoDir}`);
  const source = await ClusterClient.connect({ url: bed.source.url });
  const index = 'demo-cities';
  await source.deleteIndex(index);
  await source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    lines.push(JSON.stringify({ index: { _index: index, _id: `c${i}` } }), JSON.stringify({ name: `city ${i}`, population: 1000 + i }));
  }
  const res = await source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
  console.log(`loaded ${res.items.length} documents into ${index} on ${source.label}`);
  console.log('clusters keep running; stop them with: npm run clusters -- down');
  await source.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
