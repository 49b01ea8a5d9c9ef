// The flags a run's steps see. `--accept-count-drift` is kept in the state when first given: a `ferry resume`
// without it (after a Ctrl-C, a failure, the two-pass switch gate) must not stop at a count the operator already
// said to go on past.
import { ACCEPT_COUNT_DRIFT, type MigrationState } from '../../state/migration-state.js';
import type { RunFlags } from '../../steps/step.js';

export interface GivenRunFlags {
  confirmSwitch?: boolean;
  yesDeleteSource?: boolean;
  acceptCountDrift?: boolean;
}

/** Records a newly given `--accept-count-drift` in `state` (saved with it) and returns the flags in force. */
export function runFlagsFor(given: GivenRunFlags, state: MigrationState, now: Date): RunFlags {
  if (given.acceptCountDrift) state.confirmations[ACCEPT_COUNT_DRIFT] ??= now.toISOString();
  return {
    confirmSwitch: !!given.confirmSwitch,
    confirmDelete: !!given.yesDeleteSource,
    acceptCountDrift: state.confirmations[ACCEPT_COUNT_DRIFT] !== undefined,
  };
}
