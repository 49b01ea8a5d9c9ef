// Loaded with `node --import` into a ferry process a test starts: prints the process's peak RSS on exit, so a
// test can show what a run cost (tests print it; bench/ is where memory is measured and recorded).
process.on('exit', () => {
  process.stderr.write(`ferry-peak-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
