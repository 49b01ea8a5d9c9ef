import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactFailures } from './failure-recap.js';

// The shape of the spec reporter's list (Node 20/22), from a CI run's output.
const LIST = `✖ failing tests:

test at test/strategies/live-kill.test.ts:1:1175
✖ kill at create_dest_index:done, resume: nothing lost (1163.016496ms)
  AssertionError [ERR_ASSERTION]: expected a kill at create_dest_index:done; got exit 2
  error: Preflight failed; nothing was changed:
    [FAIL] dest accepts new indices and writes: has cluster.blocks.create_index

  + actual - expected

  + null
  - 'SIGKILL'
      at resumeKilledRun (/check/test/harness/live-scenario.ts:352:10)
      at process.processTicksAndRejections (node:internal/process/task_queues:95:5)

test at test/strategies/live-kill.test.ts:1:1175
✖ kill at backfill:done, resume: nothing lost (953.568185ms)
  AssertionError [ERR_ASSERTION]: expected a kill at backfill:done; got exit 2
  error: Preflight failed; nothing was changed:
    [FAIL] dest accepts new indices and writes: has cluster.blocks.create_index
      at resumeKilledRun (/check/test/harness/live-scenario.ts:352:10)

test at test/strategies/live-kill.test.ts:1:1
✖ live migration killed with -9 in each phase (142485.947437ms)
  '2 subtests failed'
`;

test('failure recap', () => {
  const recap = compactFailures(LIST).split('\n');
  assert.deepEqual(recap, [
    'test at test/strategies/live-kill.test.ts: ✖ kill at create_dest_index:done, resume: nothing lost',
    '  AssertionError [ERR_ASSERTION]: expected a kill at create_dest_index:done; got exit 2',
    '  error: Preflight failed; nothing was changed:',
    '  [FAIL] dest accepts new indices and writes: has cluster.blocks.create_index',
    '  + actual - expected',
    '  + null',
    "  - 'SIGKILL'",
    'test at test/strategies/live-kill.test.ts: ✖ kill at backfill:done, resume: nothing lost',
    '  AssertionError [ERR_ASSERTION]: expected a kill at backfill:done; got exit 2',
    '  error: Preflight failed; nothing was changed:',
    '  [FAIL] dest accepts new indices and writes: has cluster.blocks.create_index',
  ]);
  assert.equal(compactFailures('✖ failing tests:\n'), '');
});
