// The durable record of one migration. Plain JSON, saved after every change, so a killed process can be run
// again and continue where it stopped. It never holds a credential: connections are re-supplied on resume.
import { randomUUID } from 'node:crypto';
import type { UndoAction } from './undo-action.js';

export const STEP_STATUS = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  failed: 'failed',
} as const;
export type StepStatus = (typeof STEP_STATUS)[keyof typeof STEP_STATUS];

export const MIGRATION_STATUS = {
  running: 'running',
  /** Stopped at a gate that needs the operator (e.g. switch the clients), resumed with `ferry resume`. */
  waiting: 'waiting',
  paused: 'paused',
  failed: 'failed',
  done: 'done',
  /** `ferry abort` started and has not finished (stopped part-way): only `ferry abort` goes on from here. */
  aborting: 'aborting',
  aborted: 'aborted',
} as const;
export type MigrationStatus = (typeof MIGRATION_STATUS)[keyof typeof MIGRATION_STATUS];

export interface StepRecord {
  /** Where this step is; a step is `done` only after its verify passed. */
  status: StepStatus;
  /** When run() was first entered. */
  startedAt?: string;
  /** When run() was last entered: a step resumed after a wait or a stop took its time from here, not from the first start. */
  attemptStartedAt?: string;
  finishedAt?: string;
  /** How many times run() was entered: more than one means it was resumed after a stop. */
  attempts: number;
  /** Step-owned progress that lets a re-run continue (e.g. a snapshot name, a task id, a cursor). */
  data: Record<string, unknown>;
  /** The last error, for `ferry status`. */
  error?: string;
}

/**
 * What the run records for the report, by key. Each module that writes a key declares it, with its type, in a
 * `declare module` block of its own (interface merging), so this layer names no type of the layers above it and
 * no reader casts. A key no module declares is still readable, as unknown.
 */
export interface MigrationResults {
  [key: string]: unknown;
}

/**
 * The plan as saved, typed by plan/options.ts (which declares its fields, all optional: an older state may lack
 * the newer ones) so that this layer names no type of the layers above it.
 */
export interface SavedPlanRecord {
  [key: string]: unknown;
}

export interface MigrationState {
  /** Format version of this file. */
  formatVersion: 1;
  /** Name of the migration, also its folder under the state directory. */
  id: string;
  /** This run of the id (new on every `ferry run`): the ledger is bound to it, so no run reads another's rows. */
  runId: string;
  strategy: 'two-pass' | 'live';
  createdAt: string;
  updatedAt: string;
  status: MigrationStatus;
  /** The validated plan with connection secrets removed (see plan/options.ts). */
  plan: SavedPlanRecord;
  /** Step name → its record, in strategy order. */
  steps: Record<string, StepRecord>;
  /**
   * How to put everything back, recorded before each change is made, applied in reverse by `ferry abort`.
   * An entry is removed only once its change is itself undone or made permanent by cleanup.
   */
  undo: UndoAction[];
  /**
   * Set when the operator confirmed a gate (e.g. clients switched), by gate name, or gave a run flag that every
   * later `resume` keeps (ACCEPT_COUNT_DRIFT, KEEP_SNAPSHOT): the time it was first given.
   */
  confirmations: Record<string, string>;
  /** Results the report reads (verification, loss audit, timings), typed by the modules that write them. */
  results: MigrationResults;
}

/** `--accept-count-drift`, once given to `run` or `resume`, holds for the rest of the migration. */
export const ACCEPT_COUNT_DRIFT = 'accept-count-drift';

/** `--keep-snapshot`, once given to `run` or `resume`, holds for the rest of the migration. */
export const KEEP_SNAPSHOT = 'keep-snapshot';

export function newState(
  id: string,
  strategy: MigrationState['strategy'],
  plan: SavedPlanRecord,
  stepNames: string[],
  now: Date,
): MigrationState {
  const steps: Record<string, StepRecord> = {};
  for (const name of stepNames) steps[name] = { status: 'pending', attempts: 0, data: {} };
  return {
    formatVersion: 1,
    id,
    runId: randomUUID(),
    strategy,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'running',
    plan,
    steps,
    undo: [],
    confirmations: {},
    results: {},
  };
}
