// The results part of `ferry status`, readable however long the migration has run: series are summarised,
// long values cut, and the full record stays one `ferry status --json` away.

import { describeLagDistribution, describeLagNow, isLagResults } from '../../report/lag-text.js';

const MAX_VALUE_CHARS = 300;

export function formatResults(results: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(results)) {
    if (key === 'lag' && isLagResults(value)) {
      lines.push(`lag now: ${describeLagNow(value)}`);
      lines.push(`  ${describeLagDistribution('write', value.writes)}`);
      lines.push(`  ${describeLagDistribution('delete', value.deletes)}`);
      continue;
    }
    const text = JSON.stringify(value) ?? String(value);
    lines.push(
      `${key}: ${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}... (${text.length} characters; ferry status --json shows all)` : text}`,
    );
  }
  return lines;
}
