// The default strategy: zero loss. Backfill, continuous change capture until the switch, switch-over, drain,
// verification, guarded cleanup. Each step: docs/operating.md ("Strategy `live`"); the data's path:
// ARCHITECTURE.md.
import { backfill } from '../steps/live/backfill.js';
import { onlyFor } from '../steps/live/backfill-method.js';
import { cleanup } from '../steps/live/cleanup.js';
import { createDestIndex } from '../steps/live/create-dest-index.js';
import { fillLedger } from '../steps/live/fill-ledger.js';
import { finalVerification } from '../steps/live/final-verification.js';
import { preflight } from '../steps/live/preflight.js';
import { restoreDest } from '../steps/live/restore-dest.js';
import { snapshotSource } from '../steps/live/snapshot-source.js';
import { sync } from '../steps/live/sync.js';
import type { Step } from '../steps/step.js';

export const LIVE_STEPS: readonly Step[] = [
  preflight,
  // The backfill: the preflight chose one of the two (plan/backfill-choice.ts); the other's steps pass at once.
  onlyFor('copy', createDestIndex),
  onlyFor('snapshot', snapshotSource),
  onlyFor('snapshot', restoreDest),
  onlyFor('snapshot', fillLedger),
  onlyFor('copy', backfill),
  sync,
  finalVerification,
  cleanup,
];
