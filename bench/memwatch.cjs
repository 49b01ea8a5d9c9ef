const max = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const at = {};
const t = setInterval(() => { const m = process.memoryUsage(); for (const k of Object.keys(max)) if (m[k] > max[k]) { max[k] = m[k]; at[k] = { ...m }; } }, 20);
t.unref();
process.on('exit', () => { const mb = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v / 1048576)])); require('fs').writeFileSync('/tmp/bf/mem.json', JSON.stringify({ max: mb(max), atRssPeak: mb(at.rss || {}) })); });
