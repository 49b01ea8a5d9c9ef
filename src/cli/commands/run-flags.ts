// The flags a run's steps see. `--accept-count-drift` and `--keep-snapshot` are kept in the state when first
// given: a `ferry resume` without them (after a Ctrl-C, a failure, the two-pass switch gate) must not stop at a
// count the operator already said to go on past, nor delete a snapshot the operator asked to keep.
import { ACCEPT_COUNT_DRIFT, KEEP_SNAPSHOT, type MigrationState } from '../../state/migration-state.js';
import type { RunFlags } from '../../steps/step.js';

export interface GivenRunFlags {
  confirmSwitch?: boolean;
  yesDeleteSource?: boolean;
  acceptCountDrift?: boolean;
  keepSnapshot?: boolean;
}

/** Records newly given kept flags in `state` (saved with it) and returns the flags in force. */
export function runFlagsFor(given: GivenRunFlags, state: MigrationState, now: Date): RunFlags {
  if (given.acceptCountDrift) state.confirmations[ACCEPT_COUNT_DRIFT] ??= now.toISOString();
  if (given.keepSnapshot) state.confirmations[KEEP_SNAPSHOT] ??= now.toISOString();
  return {
    confirmSwitch: !!given.confirmSwitch,
    confirmDelete: !!given.yesDeleteSource,
    acceptCountDrift: state.confirmations[ACCEPT_COUNT_DRIFT] !== undefined,
    keepSnapshot: state.confirmations[KEEP_SNAPSHOT] !== undefined,
  };
}
