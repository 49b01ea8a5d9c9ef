// kill -9 in each phase of a live migration under load, then resume: the oracle still holds.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import { assertNothingLost, liveScenario, type ScenarioOptions } from '../harness/live-scenario.js';

const KILLS: { killAt: string; killPhase: NonNullable<ScenarioOptions['killPhase']> }[] = [
  { killAt: 'create_dest_index:done', killPhase: 'before-switch' },
  { killAt: 'backfill:watermarks-recorded', killPhase: 'before-switch' },
  { killAt: 'backfill:done', killPhase: 'before-switch' },
  { killAt: 'sync:round', killPhase: 'before-switch' },
  { killAt: 'backfill:bulk-answered', killPhase: 'before-switch' },
  { killAt: 'sync:intents-committed', killPhase: 'before-switch' },
  { killAt: 'sync:bulk-answered', killPhase: 'before-switch' },
  { killAt: 'sync:ledger-commit', killPhase: 'before-switch' },
  { killAt: 'sync:switch-recorded', killPhase: 'at-switch' },
  { killAt: 'sync:window-round', killPhase: 'at-switch' },
  { killAt: 'final_verification:start', killPhase: 'after-switch' },
];

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('live migration killed with -9 in each phase', () => {
  KILLS.forEach(({ killAt, killPhase }, i) => {
    it(`kill at ${killAt}, resume: nothing lost`, async () => {
      const result = await liveScenario(c, {
        seed: 100 + i,
        docs: 300,
        rate: 50,
        sourceMs: 500,
        destMs: 800,
        killAt,
        killPhase,
      });
      assert.ok(result.killed, 'the process was not killed');
      assertNothingLost(result, 300);
    });
  });
});
