// Opens the ledger and its applier for a live step. The ledger file sits next to state.json, on the operator's
// disk: the one place that survives whatever happens to either cluster.
import { join } from 'node:path';
import { Applier } from './applier.js';
import type { SyncEnvironment } from './environment.js';
import { bindRun, checkIdentities, type Identities, type Sides } from './identity.js';
import { Ledger } from './ledger.js';

export interface SyncSession {
  ledger: Ledger;
  applier: Applier;
  close(): void;
}

export function ledgerPath(stateDir: string, id: string): string {
  return join(stateDir, id, 'ledger.db');
}

/** Opens the ledger of this run (refusing one another run left behind) and its applier. */
export function openSync(ctx: SyncEnvironment, options: { loseUpdates?: number } = {}): SyncSession {
  const ledger = new Ledger(ledgerPath(ctx.plan.stateDir, ctx.plan.id));
  try {
    // A state written before runs had ids: its creation time names the run.
    bindRun(ledger, ctx.state.runId ?? ctx.state.createdAt, ctx.plan.id);
  } catch (error) {
    ledger.close();
    throw error;
  }
  const applier = new Applier({
    ledger,
    dest: ctx.dest,
    destIndex: ctx.plan.destIndex,
    now: ctx.now,
    sleep: ctx.sleep,
    checkpoint: (point) => ctx.checkpoint(point),
    ...(ctx.controls ? { gate: ctx.controls.gate } : {}),
    ...options,
  });
  return { ledger, applier, close: () => ledger.close() };
}

/** The indices the step works on, as the identity checks name them. */
export function sidesOf(ctx: SyncEnvironment): Sides {
  return {
    source: ctx.source,
    dest: ctx.dest,
    sourceIndex: ctx.plan.sourceIndex,
    destIndex: ctx.plan.destIndex,
    id: ctx.plan.id,
  };
}

/**
 * Checks that the indices are the ones the ledger describes (recording them the first time): every step that
 * reads or writes through the ledger does this before anything else. The dest must exist once it was created.
 */
export function checkIndices(ctx: SyncEnvironment, ledger: Ledger, destExpected = true): Promise<Identities> {
  return checkIdentities(sidesOf(ctx), ledger, destExpected);
}
