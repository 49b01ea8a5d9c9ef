// Ctrl-C and SIGTERM while a migration runs: the first asks the runner to stop at its next checkpoint (the
// same path as `ferry pause`); a second one, or a checkpoint that does not come within the grace period, stops
// at once. Either way the state says paused, the lock is released and the operator is told how to go on.
// Stopping at once is as safe as kill -9 (every step is resumable from its saved progress), and tidier.

export interface InterruptHooks {
  /** Ask the running steps to return at their next checkpoint. */
  requestStop(): Promise<void>;
  /** Stop now: save the state as paused, free what the run holds. The process exits after it. */
  stopNow(): Promise<void>;
  /** Tell the operator (stderr, also when --quiet: a signal deserves an answer). */
  say(message: string): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the handlers; returns a function that removes them, and whether a stop was asked for. */
export function onInterrupt(
  hooks: InterruptHooks,
  graceMs: number,
  exit: (code: number) => void = (code) => process.exit(code),
): { remove(): void; interrupted(): boolean } {
  let asked = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const stopNow = (why: string) => {
    if (stopping) return;
    stopping = true;
    if (timer) clearTimeout(timer);
    hooks.say(`${why}: stopping now.`);
    hooks.stopNow().then(
      () => exit(130),
      (error: unknown) => {
        hooks.say(
          `could not save the stop cleanly: ${error instanceof Error ? error.message : String(error)}`,
        );
        exit(130);
      },
    );
  };
  const handler = (signal: NodeJS.Signals) => {
    if (asked) return stopNow(`${signal} again`);
    asked = true;
    hooks.say(
      `${signal}: stopping at the next checkpoint (up to ${Math.round(graceMs / 1000)} s; press Ctrl-C again to stop at once).`,
    );
    hooks.requestStop().catch(() => stopNow(`${signal} (the stop request could not be written)`));
    timer = setTimeout(() => stopNow('no checkpoint within the grace period'), graceMs);
    timer.unref();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    remove: () => {
      if (timer) clearTimeout(timer);
      for (const s of SIGNALS) process.off(s, handler);
    },
    interrupted: () => asked,
  };
}

/** FERRY_STOP_GRACE_SECONDS, default 15. */
export function stopGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.FERRY_STOP_GRACE_SECONDS ?? 15);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 15_000;
}
