// Where the test suite strikes a running Ferry at an exact point: a real SIGKILL, signals in the middle of an
// abort, changes recorded but never sent, small backfill pages. The FERRY_TEST_* variables are read here only,
// once per command, and the hooks are passed down; unset, each one does nothing.

export interface TestHooks {
  /** FERRY_TEST_KILL_AT=<step>:<point>: the process SIGKILLs itself there, as an operator's kill -9 would. */
  killAt?: string;
  /** FERRY_TEST_SIGNAL_AFTER_UNDO=<n>[:<signal>,...]: signals sent to itself once n undo actions are applied. */
  signalAfterUndo?: { after: number; signals: NodeJS.Signals[] };
  /** FERRY_TEST_LOSE_CHANGES=<n>: updates the first sync round records as written but never sends. */
  loseChanges: number;
  /** FERRY_TEST_BACKFILL_PAGE=<n>: the backfill's page size (small pages let a fault land mid-copy). */
  backfillPage?: number;
}

export const NO_TEST_HOOKS: TestHooks = { loseChanges: 0 };

export function readTestHooks(env: NodeJS.ProcessEnv = process.env): TestHooks {
  const hooks: TestHooks = { loseChanges: Number(env.FERRY_TEST_LOSE_CHANGES ?? 0) };
  if (env.FERRY_TEST_KILL_AT) hooks.killAt = env.FERRY_TEST_KILL_AT;
  if (env.FERRY_TEST_BACKFILL_PAGE) hooks.backfillPage = Number(env.FERRY_TEST_BACKFILL_PAGE);
  if (env.FERRY_TEST_SIGNAL_AFTER_UNDO) {
    const [after, signals = 'SIGINT'] = env.FERRY_TEST_SIGNAL_AFTER_UNDO.split(':');
    hooks.signalAfterUndo = {
      after: Number(after),
      signals: signals.split(',') as NodeJS.Signals[],
    };
  }
  return hooks;
}

/** Kills the process at `point` when the hooks name it, with no chance to clean up. */
export function killPoint(hooks: TestHooks, point: string): void {
  if (hooks.killAt === point) process.kill(process.pid, 'SIGKILL');
}
