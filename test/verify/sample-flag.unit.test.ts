// --sample takes a fraction or a percentage; a bare number above 1 is refused with what was given and what
// is accepted, never read as something the operator may not have meant.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/cluster/errors.js';
import { parseSample } from '../../src/verify/sample-flag.js';

describe('--sample', () => {
  it('takes a fraction between 0 and 1', () => {
    assert.equal(parseSample('0.01'), 0.01);
    assert.equal(parseSample('1'), 1);
  });

  it('takes a percentage with %', () => {
    assert.equal(parseSample('1%'), 0.01);
    assert.equal(parseSample('100%'), 1);
    assert.equal(parseSample('0.5%'), 0.005);
  });

  it('refuses a bare number above 1, saying what was given and what is accepted', () => {
    const error = catchError(() => parseSample('150'));
    assert.equal(
      error.message,
      '--sample 150: give a fraction of documents between 0 and 1 (0.01) or a percentage (1%).',
    );
    assert.match(catchError(() => parseSample('5')).hint, /--sample 5%/);
  });

  for (const bad of ['0', '-0.1', '150%', 'abc', '%', ''])
    it(`refuses "${bad}"`, () => {
      assert.match(catchError(() => parseSample(bad)).message, /give a fraction of documents/);
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
