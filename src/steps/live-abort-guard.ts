// Live abort, at the moment it would delete the dest index: a client that moved early may have written there
// without Ferry ever seeing it (a document the source never had causes no conflict). The dest is counted
// against the ledger: more documents than Ferry wrote plus those it knows clients own means unknown writes,
// and abort refuses unless told --delete-dest (or --keep-dest, which never gets here).
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';
import type { MigrationState } from '../state/migration-state.js';
import type { UndoGuard } from './undo.js';

export interface LedgerTally {
  written: number;
  client: number;
}

export function liveAbortGuard(
  state: MigrationState,
  plan: { destIndex: string; id: string },
  dest: ClusterClient,
  deleteDest: boolean,
  ledger: () => LedgerTally | undefined,
): UndoGuard {
  return async (action) => {
    if (state.strategy !== 'live' || deleteDest) return 'apply';
    if (action.kind !== 'delete-index' || action.side !== 'dest' || action.index !== plan.destIndex)
      return 'apply';
    if (!(await dest.indexExists(plan.destIndex))) return 'apply';
    // A restore not yet listed into the ledger: the dest holds what Ferry restored (restore_dest refuses an index
    // it did not restore, and clients move only once Ferry caught up).
    if (
      state.steps.restore_dest?.status !== undefined &&
      state.steps.fill_ledger?.status !== 'done' &&
      state.results.backfillMethod !== undefined &&
      state.results.backfillMethod?.method === 'snapshot'
    )
      return 'apply';
    await dest.refresh(plan.destIndex);
    const found = await dest.count(plan.destIndex);
    const tally = ledger() ?? { written: 0, client: 0 };
    const known = tally.written + tally.client;
    if (found <= known) return 'apply';
    throw new ConfigError(
      `The dest index ${plan.destIndex} holds ${found} document(s), ${found - known} more than Ferry wrote or knows clients own: a client wrote there, and an abort would delete it.`,
      `Run: ferry abort --id ${plan.id} --keep-dest   (keeps the dest index; undoes the rest), or --delete-dest to delete it anyway`,
    );
  };
}

/** Runs guards in order; the first that keeps or refuses decides. */
export function allGuards(...guards: UndoGuard[]): UndoGuard {
  return async (action) => {
    for (const guard of guards) if ((await guard(action)) === 'keep') return 'keep';
    return 'apply';
  };
}
