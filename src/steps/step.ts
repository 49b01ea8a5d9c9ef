// The contract every step follows: describe what it will do, run (idempotently, recording progress and
// undo actions before each change), and verify. The runner records a step done only after verify passes.
import type { ClusterClient } from '../cluster/client.js';
import type { Progress } from '../core/progress.js';
import type { Sleep } from '../core/time.js';
import type { HookEvent } from '../operator/hooks.js';
import type { RuntimeControls } from '../operator/runtime-controls.js';
import type { Plan } from '../plan/options.js';
import type { MigrationState } from '../state/migration-state.js';
import type { UndoAction } from '../state/undo-action.js';
import type { TestHooks } from './test-hooks.js';

export interface RunFlags {
  /** The operator confirmed the client switch (`--confirm-switch`). */
  confirmSwitch: boolean;
  /** The operator said yes to deleting the source (`--yes-delete-source`). */
  confirmDelete: boolean;
  /** Go on when counts differ, as the seed method would, and let the audit show it. */
  acceptCountDrift: boolean;
  /** two-pass: after a clean finish, keep the snapshot and the repositories Ferry registered (`--keep-snapshot`). */
  keepSnapshot: boolean;
}

/**
 * A step's own context: `data` is its own record (D: an interface of optional fields, since a first run starts
 * from {}), saved in state.json under the step's name.
 */
export interface StepContext<D extends object = object> {
  plan: Plan;
  source: ClusterClient;
  dest: ClusterClient;
  progress: Progress;
  flags: RunFlags;
  /** The whole migration record (read it; change only through the functions below). */
  state: MigrationState;
  /** This step's own durable data: change it, then call save(). */
  data: D;
  save(): Promise<void>;
  /** Records how to undo a change, durably, before the change is made. */
  recordUndo(action: UndoAction): Promise<void>;
  /** Stores a result for the report. */
  setResult(key: string, value: unknown): Promise<void>;
  /** True once `ferry pause` was asked for: long steps return at their next checkpoint. */
  pauseRequested(): Promise<boolean>;
  /** True once the operator said the clients moved (`ferry switch`, or run with --confirm-switch). */
  switchSignalled(): Promise<boolean>;
  /**
   * Runs the operator's hook for an event (if any) and records it; throws HookFailedError when it fails
   * and the event is a gate, so the step stops before going on.
   */
  hook(event: HookEvent, extra?: Record<string, string | number>): Promise<void>;
  /** The operator's runtime limits (the write gate) and switch postponement; absent in unit tests. */
  controls?: RuntimeControls;
  /** A named point inside a step where a test can kill the process (test-hooks.ts). */
  checkpoint(point: string): void;
  /** The test suite's hooks for this command (test-hooks.ts); none in a real run. */
  testHooks: TestHooks;
  sleep: Sleep;
  now(): Date;
}

export type StepOutcome =
  | { kind: 'done' }
  /** Stop here until the operator acts; `instructions` say exactly what to do, `gate` names the confirmation. */
  | { kind: 'wait'; gate: string; instructions: string[] }
  /** Pause was requested mid-step; run again to continue. */
  | { kind: 'paused' };

/** A step whose durable record is D; the runner holds them all as Step (its records are the state's JSON). */
export interface Step<D extends object = object> {
  name: string;
  /** One line per check or change, for `ferry plan`. */
  describe(plan: Plan): string[];
  run(ctx: StepContext<D>): Promise<StepOutcome>;
  /** Throws StepVerificationError when the step's effect is not there. */
  verify(ctx: StepContext<D>): Promise<void>;
  /**
   * Why this migration does not need the step (e.g. the other backfill method), or undefined. A skipped step is
   * recorded done with the reason in `data.skipped`, without hooks, run or verify.
   */
  skip?(state: MigrationState): string | undefined;
}

export const DONE: StepOutcome = { kind: 'done' };

/**
 * What a step recorded so far (empty before it ran), typed by the step itself: the one place a step's record is
 * read back from the state's JSON, by the step, another step or the report.
 */
export function recordOf<D extends object>(state: MigrationState, step: Step<D>): Partial<D> {
  return (state.steps[step.name]?.data ?? {}) as Partial<D>;
}
