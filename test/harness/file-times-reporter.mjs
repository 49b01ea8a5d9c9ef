// A node:test reporter that writes, per test file, the time its top-level tests took (one JSON object per file
// on its destination), so a run can print where its time went. Plain JS: node loads reporters before any loader.
export default async function* fileTimes(source) {
  const byFile = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      const file = event.data.file ?? '?';
      byFile.set(file, (byFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  for (const [file, ms] of byFile) yield `${JSON.stringify({ file, ms })}\n`;
}
