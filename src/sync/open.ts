// Opens the ledger and its applier for a live step. The ledger file sits next to state.json, on the operator's
// disk: the one place that survives whatever happens to either cluster.
import { join } from 'node:path';
import type { StepContext } from '../steps/step.js';
import { Applier } from './applier.js';
import { Ledger } from './ledger.js';

export interface SyncSession {
  ledger: Ledger;
  applier: Applier;
  close(): void;
}

export function ledgerPath(stateDir: string, id: string): string {
  return join(stateDir, id, 'ledger.db');
}

export function openSync(ctx: StepContext, options: { loseUpdates?: number } = {}): SyncSession {
  const ledger = new Ledger(ledgerPath(ctx.plan.stateDir, ctx.plan.id));
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
