// The results part of `ferry status`, readable however long the migration has run: series are summarised,
// long values cut, and the full record stays one `ferry status --json` away.

interface LagSample {
  at: string;
  ops: number;
  seconds: number;
}

const MAX_VALUE_CHARS = 300;

export function formatResults(results: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(results)) {
    if (key === 'lag' && Array.isArray(value)) {
      lines.push(`lag: ${summariseLag(value as LagSample[])}`);
      continue;
    }
    const text = JSON.stringify(value) ?? String(value);
    lines.push(
      `${key}: ${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}... (${text.length} characters; ferry status --json shows all)` : text}`,
    );
  }
  return lines;
}

export function summariseLag(samples: LagSample[]): string {
  if (samples.length === 0) return 'no samples yet';
  const last = samples[samples.length - 1]!;
  const maxOps = Math.max(...samples.map((s) => s.ops));
  const maxSeconds = Math.max(...samples.map((s) => s.seconds));
  return `now ${last.ops} operations / ${last.seconds.toFixed(1)} s (at ${last.at}); max ${maxOps} operations / ${maxSeconds.toFixed(1)} s over the last ${samples.length} rounds`;
}
