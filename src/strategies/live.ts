// The default strategy: zero loss. Backfill, continuous change capture until the switch, switch-over, drain,
// verification, guarded cleanup (DESIGN.md section 3).
import { backfill } from '../steps/live/backfill.js';
import { cleanup } from '../steps/live/cleanup.js';
import { createDestIndex } from '../steps/live/create-dest-index.js';
import { finalVerification } from '../steps/live/final-verification.js';
import { preflight } from '../steps/live/preflight.js';
import { sync } from '../steps/live/sync.js';
import type { Step } from '../steps/step.js';

export const LIVE_STEPS: readonly Step[] = [
  preflight,
  createDestIndex,
  backfill,
  sync,
  finalVerification,
  cleanup,
];
