// What the live core needs from whoever runs it (a step, a test, a benchmark): the two clusters, the indices and
// the run it works on, time, and the seams. Narrower than a step's context, so sync/ knows nothing of steps; a
// StepContext is one.
import type { ClusterClient } from '../cluster/client.js';
import type { Sleep } from '../core/time.js';
import type { WriteGate } from '../operator/write-gate.js';
import type { UndoAction } from '../state/undo-action.js';

export interface SyncPlan {
  id: string;
  /** Where the migration's folder (state, ledger, conflicts) lives. */
  stateDir: string;
  sourceIndex: string;
  destIndex: string;
  /** Fenced switch-over: source writes are blocked for the final drain. */
  writeBlock: boolean;
}

export interface SyncEnvironment {
  plan: SyncPlan;
  source: ClusterClient;
  dest: ClusterClient;
  /** The run this ledger belongs to (a state written before runs had ids: its creation time). */
  state: { runId?: string; createdAt: string };
  now(): Date;
  sleep: Sleep;
  /** A named point where a test can kill the process. */
  checkpoint(point: string): void;
  /** The operator's write gate (runtime limits), when there is one. */
  controls?: { gate: WriteGate };
  /** Records how to undo a change, durably, before the change is made. */
  recordUndo(action: UndoAction): Promise<void>;
}
