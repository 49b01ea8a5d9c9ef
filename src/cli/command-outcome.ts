// What a command that acts on a migration answers when it ends: a sentence for the operator, or with --json one
// JSON object on stdout a script can branch on (progress and notices stay on stderr either way).

export interface CommandOutcome {
  /** The migration's id. */
  id: string;
  /** The command that answers: `switch`, `pause`, `cleanup`, ... */
  command: string;
  /** What happened, in one word a script can branch on (e.g. `switched`, `pause-requested`, `waiting`). */
  status: string;
  /** The same sentence the command prints without --json. */
  message: string;
  /** Facts a command adds: the next steps of a gate, the migration's own status, a hook's exit code. */
  [fact: string]: unknown;
}

export function printOutcome(
  outcome: CommandOutcome,
  json: boolean | undefined,
  out: (line: string) => void = console.log,
): void {
  out(json ? JSON.stringify(outcome) : outcome.message);
}
