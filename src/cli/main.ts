// ferry: the command line. Errors print their message and the fix, and exit with the code exitCodeFor gives.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { AuthenticationError, ConnectionError } from '../cluster/errors.js';
import { ConfigError, FerryError } from '../core/errors.js';
import { LockHeldError } from '../state/run-lock.js';
import { type CommandOutcome, printOutcome } from './command-outcome.js';
import { registerAbortCommand } from './commands/abort.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerRunCommands } from './commands/run.js';
import { registerSetCommand } from './commands/set.js';
import { registerStatusCommands } from './commands/status.js';
import { registerSwitchCommand } from './commands/switch.js';
import { registerVerifyCommand } from './commands/verify.js';

export function buildProgram(): Command {
  const program = new Command('ferry').description(
    'Move a live Elasticsearch/OpenSearch index to another cluster, lose nothing, prove it.',
  );
  program.version(ferryVersion(), '-V, --version', 'print the Ferry version');
  // Usage errors come back as exceptions, so they get exit code 2 like any other bad input.
  program.exitOverride();
  registerPlanCommand(program);
  registerRunCommands(program);
  registerStatusCommands(program);
  registerAbortCommand(program);
  registerSwitchCommand(program);
  registerSetCommand(program);
  registerVerifyCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let action: Command | undefined;
  program.hook('preAction', (_program, command) => {
    action = command;
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeFor(error);
    if (error instanceof FerryError) console.error(`error: ${error.message}\nfix: ${error.hint}`);
    else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    const code = exitCodeFor(error);
    if (action?.opts().json) printOutcome(errorOutcome(action, error, code), true);
    return code;
  }
}

/** With --json a script reads stdout: a command that threw answers there too, as one object. */
function errorOutcome(action: Command, error: unknown, code: number): CommandOutcome {
  const id = action.opts().id;
  return {
    id: typeof id === 'string' ? id : '',
    command: action.name(),
    status: code === 3 ? 'busy' : code === 2 ? 'refused' : 'failed',
    message: error instanceof Error ? error.message : String(error),
    hint: error instanceof FerryError ? error.hint : undefined,
    exitCode: code,
  };
}

/**
 * The exit code of a command that threw (README, "Exit codes", lists them all): 2 bad input, nothing changed;
 * 3 busy, another process holds the migration's lock; 1 anything else, a failed step included.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof LockHeldError) return 3;
  const badInput =
    error instanceof ConfigError || error instanceof ConnectionError || error instanceof AuthenticationError;
  return badInput ? 2 : 1;
}

/** From package.json, which sits two folders up from both src/cli and dist/cli. */
function ferryVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
