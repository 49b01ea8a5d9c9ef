// Step 0: every check that can fail, before anything changes on either cluster.
import { twoPassChecks } from '../../plan/two-pass-checks.js';
import { preflightStep } from '../preflight-step.js';

export const preMigrationCheck = preflightStep(
  'pre_migration_check',
  'read-only checks: indices, no cluster blocks, disk with replicas under the high watermark, shard limit, repository, snapshot compatibility, remote allowlist, pipelines, reindex, _source',
  twoPassChecks,
);
