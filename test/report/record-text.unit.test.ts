import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRecord, words } from '../../src/report/record-text.js';

describe('counts in words for the report', () => {
  it('turns camelCase and snake_case keys into words', () => {
    assert.equal(words('withoutSource'), 'without source');
    assert.equal(words('client_wrote'), 'client wrote');
    assert.equal(words('firstPassCounts'), 'first pass counts');
  });

  it('lists a flat record in order, nested ones in parentheses, and skips what is undefined', () => {
    assert.equal(describeRecord({ read: 1000, withoutSource: 0 }), 'read 1000, without source 0');
    assert.equal(
      describeRecord({ client_wrote: 2, by: { shard0: 3 }, gone: undefined, none: null }),
      'client wrote 2, by (shard0 3), none none',
    );
    assert.equal(describeRecord({}), 'none');
    assert.equal(describeRecord(undefined), 'none');
  });
});
