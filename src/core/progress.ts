// What a long piece of work tells the operator as it goes, and nothing of how it is shown: every layer reports
// through this interface; report/progress.ts draws it (bar, log lines, JSON) and the CLI picks which.

export interface ProgressTask {
  /** Sets the absolute amount done (documents, bytes, ...). */
  update(done: number, detail?: string): void;
  /** Changes the expected total when it becomes known or moves (e.g. a live index grows). */
  setTotal(total: number | undefined): void;
  finish(detail?: string): void;
}

export interface Progress {
  /** Starts a long task; `unit` names what is counted ("docs", "bytes", "shards"). */
  task(name: string, total: number | undefined, unit: string): ProgressTask;
  /** A one-off line (a step started, a check passed). */
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

/** Tells nobody: tests and the pieces of work that run inside another's progress. */
export const silentProgress: Progress = {
  task: () => ({ update() {}, setTotal() {}, finish() {} }),
  info() {},
  warn() {},
};
