// The count steps' verify reads back what their run recorded: present, whole, and agreeing with itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StepVerificationError } from '../../../src/steps/errors.js';
import type { StepContext } from '../../../src/steps/step.js';
import { verifyCountRecord } from '../../../src/steps/two-pass/count-record.js';

const agree = (c: Record<string, number>) => c.sourceCount === c.destCount;

function context(result: unknown, report: unknown = result, acceptCountDrift = false): StepContext {
  return {
    data: result === undefined ? {} : { result },
    state: { results: { firstPassCounts: report } },
    flags: { acceptCountDrift, confirmSwitch: false, confirmDelete: false },
  } as unknown as StepContext;
}

describe('verifyCountRecord', () => {
  it('returns the counts of a whole, consistent record', () => {
    const ctx = context({ sourceCount: 3, destCount: 3, equal: true });
    assert.deepEqual(verifyCountRecord(ctx, 'firstPassCounts', agree), { sourceCount: 3, destCount: 3 });
  });

  it('accepts differing counts only with --accept-count-drift', () => {
    const record = { sourceCount: 3, destCount: 2, equal: false };
    assert.throws(() => verifyCountRecord(context(record), 'firstPassCounts', agree), StepVerificationError);
    assert.doesNotThrow(() => verifyCountRecord(context(record, record, true), 'firstPassCounts', agree));
  });

  it('refuses a missing record, a report that differs, a value that is not a count, a wrong equal', () => {
    const bad: [StepContext, RegExp][] = [
      [context(undefined), /not recorded/],
      [
        context({ sourceCount: 3, destCount: 3, equal: true }, { sourceCount: 4, destCount: 3, equal: true }),
        /differ from the step's record/,
      ],
      [context({ sourceCount: -1, destCount: -1, equal: true }), /not a count/],
      [context({ sourceCount: 3, destCount: 2, equal: true }, undefined, true), /contradict/],
    ];
    for (const [ctx, message] of bad)
      assert.throws(() => verifyCountRecord(ctx, 'firstPassCounts', agree), message);
  });
});
