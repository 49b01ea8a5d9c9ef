// Live step 1: every read-only check the live strategy relies on; nothing changes until they pass.
import { liveChecks } from '../../strategies/live-checks.js';
import { preflightStep } from '../preflight-step.js';

export const preflight = preflightStep(
  'preflight',
  'read-only checks: source index, dest index absent, disk with replicas under the high watermark, shard limit, _source',
  liveChecks,
);
