// The failure recap printed at the very end of a test run. CI shows only the output's last lines, so each failed
// test gets its name and the start of its error, without stack frames: the first failure (most often the cause
// of the others) gets more lines than the rest.

const FIRST_LINES = 12;
const OTHER_LINES = 3;
const MAX_LINES = 60;

/** The spec reporter's "failing tests" list, shortened to what says why each test failed. */
export function compactFailures(list: string): string {
  const entries = list
    .split(/\n(?=test at )/)
    .slice(1)
    .map((entry) => entry.split('\n'));
  const out: string[] = [];
  let seen = 0;
  for (const lines of entries) {
    const nameAt = lines.findIndex((l) => l.startsWith('✖ '));
    const [where = '', nameLine] = [lines[0], lines[nameAt]];
    if (nameLine === undefined) continue;
    const name = nameLine.replace(/ \([\d.]+ms\)$/, '');
    const message = lines
      .slice(nameAt + 1)
      .filter((l) => l.trim() !== '' && !/^\s+at /.test(l))
      .map((l) => `  ${l.trim()}`.slice(0, 300));
    // A parent test that failed because its subtests did: its name is enough.
    if (message.length === 1 && /subtests? failed/.test(message[0] ?? '')) continue;
    const kept = message.slice(0, seen === 0 ? FIRST_LINES : OTHER_LINES);
    out.push(`${where.replace(/:\d+:\d+$/, '')}: ${name}`, ...kept);
    if (message.length > kept.length)
      out.push(`  (${message.length - kept.length} more lines in the output above)`);
    seen++;
  }
  if (out.length > MAX_LINES) {
    const left = out.length - MAX_LINES;
    out.splice(MAX_LINES, left, `(${left} more lines in the output above)`);
  }
  return out.join('\n');
}
