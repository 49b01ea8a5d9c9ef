// The seed's method, step for step and with its function names (docs/operating.md, "Strategy `two-pass`").
import type { Step } from '../steps/step.js';
import { changePipeline } from '../steps/two-pass/change-pipeline.js';
import { deleteIndex } from '../steps/two-pass/delete-index.js';
import { makeNull } from '../steps/two-pass/make-null.js';
import { preMigrationCheck } from '../steps/two-pass/pre-migration-check.js';
import { reindexData } from '../steps/two-pass/reindex-data.js';
import { secondPassVerification } from '../steps/two-pass/second-pass-verification.js';
import { snaps } from '../steps/two-pass/snaps.js';
import { switchClients } from '../steps/two-pass/switch-clients.js';
import { verifyingSnapshotAndRestore } from '../steps/two-pass/verifying-snapshot-and-restore.js';

export const TWO_PASS_STEPS: readonly Step[] = [
  preMigrationCheck,
  changePipeline,
  snaps,
  verifyingSnapshotAndRestore,
  makeNull,
  switchClients,
  reindexData,
  secondPassVerification,
  deleteIndex,
];
