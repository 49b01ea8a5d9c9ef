// The default verification compares versions, not content: its EQUAL says so, so that a changed document whose
// `_version` did not move is not taken as checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummary } from '../../src/verify/summary.js';
import { DIFF_CLASSES, type DiffClass, type VerifyLevel, type VerifyResult } from '../../src/verify/types.js';

function equalResult(level: VerifyLevel): VerifyResult {
  return {
    equal: true,
    level,
    sourceIndex: 'orders',
    destIndex: 'orders',
    sourceDocs: 3,
    destDocs: 3,
    counts: Object.fromEntries(DIFF_CLASSES.map((c) => [c, 0])) as Record<DiffClass, number>,
    inFlux: 0,
    resolved: 0,
    definition: [],
    examples: [],
    outPath: undefined,
    elapsedMs: 1000,
    docsPerSecond: 3,
    sample: 1,
    since: false,
  };
}

describe('verify summary', () => {
  it('default mode says what it cannot see, beside EQUAL', () => {
    const text = formatSummary(equalResult('default'));
    assert.match(
      text,
      /^ {2}compared ids, routing and versions only: content changed without a version change is not seen; --deep compares content hashes$/m,
    );
    assert.match(text, /EQUAL: every checked document matches\.$/);
  });

  it('deep mode compares content and does not say so', () => {
    assert.doesNotMatch(formatSummary(equalResult('deep')), /not seen/);
  });
});
