// Preloaded into a Ferry process (`node --require bench/memwatch.cjs bin/ferry.js …`): samples process.memoryUsage()
// every 20 ms and, at exit, writes the maxima and the figures at the RSS peak (MB) to $FERRY_MEMWATCH_OUT.
const { writeFileSync } = require('node:fs');

const max = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
let atRssPeak = {};
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > max.rss) atRssPeak = { ...m };
  for (const k of Object.keys(max)) max[k] = Math.max(max[k], m[k]);
};
setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  const mb = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v / 1048576)]));
  writeFileSync(
    process.env.FERRY_MEMWATCH_OUT ?? '/tmp/ferry-mem.json',
    JSON.stringify({ max: mb(max), atRssPeak: mb(atRssPeak) }),
  );
});
