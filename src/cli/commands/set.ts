// ferry set: change a running migration's limits or postpone its switch, from another shell (gh-ost's
// interactive commands, through a file next to the state). Returns once the running process applied it, or
// says it will apply when the migration runs again.
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { type ControlRequest, requestControls } from '../../operator/controls.js';
import { addLimitFlags } from '../plan-flags.js';
import { type CommonFlags, loadSaved } from '../session.js';

const APPLY_WAIT_MS = 5000;
const POLL_MS = 200;

export interface LimitFlags {
  maxDocsPerSecond?: string;
  maxBytesPerSecond?: string;
  concurrency?: string;
  postponeSwitch?: boolean;
}

export function registerSetCommand(program: Command): void {
  addLimitFlags(
    program
      .command('set')
      .description("change a migration's limits while it runs, or postpone its switch")
      .option('--id <id>', 'migration name')
      .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
      .option('--json', 'accepted for symmetry with the other commands')
      .option('--quiet', 'accepted for symmetry with the other commands'),
  )
    .option('--postpone-switch', 'a requested switch waits (the sync keeps catching up)')
    .option('--no-postpone-switch', 'lift the postponement: a requested switch goes on')
    .action(async (flags: CommonFlags & LimitFlags) => {
      const set = controlsFromFlags(flags);
      if (!set)
        throw new ConfigError(
          'Nothing to set.',
          'Give --max-docs-per-second, --max-bytes-per-second, --concurrency (0 lifts a limit) or --postpone-switch / --no-postpone-switch.',
        );
      const { state, store } = await loadSaved(flags);
      const request: ControlRequest = { at: new Date().toISOString(), by: 'ferry set', set };
      await requestControls(store.dir, request);
      const deadline = Date.now() + APPLY_WAIT_MS;
      while (Date.now() < deadline) {
        const now = await store.load();
        const applied = now?.results.controls?.appliedAt;
        if (applied && applied >= request.at) {
          console.log(`applied to ${state.id}: ${describe(set)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      console.log(
        `recorded for ${state.id}: ${describe(set)}; not applied yet (is it running?). It applies when the migration runs: ferry resume --id ${state.id}`,
      );
    });
}

/** The controls given as flags (0 lifts a limit: null), validated; undefined when none was given. */
export function controlsFromFlags(flags: LimitFlags): ControlRequest['set'] | undefined {
  const set: ControlRequest['set'] = {};
  const limit = (key: 'maxDocsPerSecond' | 'maxBytesPerSecond' | 'concurrency', flag: string) => {
    const text = flags[key];
    if (text === undefined) return;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || (key === 'concurrency' && !Number.isInteger(n)))
      throw new ConfigError(
        `--${flag} ${text} is not ${key === 'concurrency' ? 'a whole number' : 'a number'} of 0 or more.`,
        `Give --${flag} <n>; 0 lifts the limit.`,
      );
    set[key] = n === 0 ? null : n;
  };
  limit('maxDocsPerSecond', 'max-docs-per-second');
  limit('maxBytesPerSecond', 'max-bytes-per-second');
  limit('concurrency', 'concurrency');
  if (flags.postponeSwitch !== undefined) set.postponeSwitch = flags.postponeSwitch;
  return Object.keys(set).length > 0 ? set : undefined;
}

function describe(set: ControlRequest['set']): string {
  return Object.entries(set)
    .map(([k, v]) => `${k} ${v === null ? 'none' : String(v)}`)
    .join(', ');
}
