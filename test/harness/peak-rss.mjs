// Loaded with `node --import` into a ferry process a test starts: prints the process's peak RSS on exit, so a
// test can show what a run cost (tests print it; bench/ is where memory is measured and recorded).
// FERRY_RSS_TRACE=1 also prints each new high with where the memory is (V8 heap, Buffers), to find a phase's cost.
process.on('exit', () => {
  process.stderr.write(`ferry-peak-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
if (process.env.FERRY_RSS_TRACE) {
  const MB = 1024 * 1024;
  let high = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss < high + 5 * MB) return;
    high = m.rss;
    const mb = (n) => Math.round(n / MB);
    process.stderr.write(
      `ferry-rss-trace t=${process.uptime().toFixed(1)}s rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`,
    );
  }, 50).unref();
}
