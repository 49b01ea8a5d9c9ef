// A node:test reporter that prints, as each top-level test ends, one line `FERRY-TIME {"file","ms"}` on its
// destination (stdout, beside the spec reporter's lines): test/run.ts takes these lines out of what it shows and
// adds them up per file, so a run can print where its time went. Plain JS: node loads reporters before any loader.
export const TIME_MARK = 'FERRY-TIME ';

export default async function* fileTimes(source) {
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0)
      yield `${TIME_MARK}${JSON.stringify({ file: event.data.file ?? '?', ms: event.data.details?.duration_ms ?? 0 })}\n`;
  }
}
