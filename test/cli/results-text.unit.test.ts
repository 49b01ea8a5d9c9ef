// ferry status stays readable after hours: lag is a summary line, long values are cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResults } from '../../src/cli/commands/results-text.js';

describe('status results', () => {
  it('summarise 2,000 lag samples in one short line', () => {
    const lag = Array.from({ length: 2000 }, (_, i) => ({
      at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      ops: i % 97,
      seconds: (i % 13) / 2,
    }));
    const lines = formatResults({ lag, readyAt: '2026-01-01T00:00:00Z' });
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^lag: now \d+ operations .* max 96 operations \/ 6\.0 s over the last 2000 rounds$/,
    );
    assert.ok(lines[0]!.length < 200, lines[0]);
  });
  it('cut long values and point to --json', () => {
    const [line] = formatResults({ sync: { conflictIds: Array.from({ length: 500 }, (_, i) => `id${i}`) } });
    assert.ok(line!.length < 400);
    assert.match(line!, /ferry status --json shows all/);
  });
});
