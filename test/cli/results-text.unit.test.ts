// ferry status stays readable after hours: lag is three summary lines, long values are cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResults } from '../../src/cli/commands/results-text.js';
import { addSample, emptyDistribution } from '../../src/sync/lag.js';

describe('status results', () => {
  it('summarise 2,000 rounds of lag in three short lines', () => {
    const writes = emptyDistribution();
    const deletes = emptyDistribution();
    for (let i = 0; i < 2000; i++) {
      addSample(writes, (i % 13) * 500);
      addSample(deletes, (i % 7) * 300);
    }
    const now = { writes: { ops: 12, ageMs: 800 }, deletes: { ops: 40, ageMs: 1200 } };
    const lag = { now: { at: '2026-01-01T00:00:00Z', ...now }, writes, deletes };
    const lines = formatResults({ lag, readyAt: '2026-01-01T00:00:00Z' });
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^lag now: writes 12 operations \/ 0\.8 s, deletes 40 operations .* \/ 1\.2 s/);
    assert.match(lines[1]!, /write lag over 2000 rounds: p50 \d\.\d s, p99 \d\.\d s, max 6\.0 s$/);
    assert.match(lines[2]!, /delete lag over 2000 rounds: p50 .*, max 1\.8 s$/);
    for (const line of lines) assert.ok(line.length < 200, line);
  });
  it('cut long values and point to --json', () => {
    const [line] = formatResults({ sync: { conflictIds: Array.from({ length: 500 }, (_, i) => `id${i}`) } });
    assert.ok(line!.length < 400);
    assert.match(line!, /ferry status --json shows all/);
  });
});
