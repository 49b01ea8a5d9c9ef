// One verification in a process of its own, so its peak RSS is its own. Prints one JSON line.
//   node --import tsx bench/verify-run.ts <sourceUrl> <destUrl> <index> <default|deep> [concurrency]
import { ClusterClient } from '../src/cluster/client.js';
import { createProgress } from '../src/report/progress.js';
import { verifyIndices } from '../src/verify/index.js';

const [sourceUrl = '', destUrl = '', index = '', level = 'default', concurrency = '4'] =
  process.argv.slice(2);
const source = await ClusterClient.connect({ url: sourceUrl });
const dest = await ClusterClient.connect({ url: destUrl });
try {
  const result = await verifyIndices({
    source,
    dest,
    sourceIndex: index,
    level: level === 'deep' ? 'deep' : 'default',
    concurrency: Number(concurrency),
    progress: createProgress('plain'),
  });
  const { examples: _, ...rest } = result;
  // maxRSS is in kilobytes.
  console.log(JSON.stringify({ ...rest, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} finally {
  await Promise.all([source.close(), dest.close()]);
}
