// --sample is a percentage (1 or 1% checks 1%, as Ferry always read it); outside (0, 100] it is refused with what
// was given and what is accepted (150 once answered "Sample 1.5 is not a fraction").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { parseSample } from '../../src/verify/sample-flag.js';

describe('--sample', () => {
  it('takes a percentage, bare or with its sign', () => {
    assert.equal(parseSample('1'), 0.01);
    assert.equal(parseSample('1%'), 0.01);
    assert.equal(parseSample('100'), 1);
    assert.equal(parseSample('0.5%'), 0.005);
  });

  it('refuses 150, saying what was given and what is accepted', () => {
    assert.equal(
      catchError(() => parseSample('150')).message,
      '--sample 150: give the percentage of documents to check, above 0 and at most 100 (1 or 1% checks 1%).',
    );
  });

  for (const bad of ['0', '-0.1', '150%', 'abc', '%', ''])
    it(`refuses "${bad}"`, () => {
      assert.match(catchError(() => parseSample(bad)).message, /give the percentage of documents/);
    });
});

function catchError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('no error');
}
