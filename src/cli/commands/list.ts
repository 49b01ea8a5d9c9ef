// ferry list (every migration in a state folder) and ferry forget (drop a finished one's record, so its id
// can be used again).
import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { MigrationState } from '../../state/migration-state.js';
import { RunLock } from '../../state/run-lock.js';
import { defaultStateDir } from '../../state/state-dir.js';
import { StateStore } from '../../state/state-store.js';

interface ListFlags {
  stateDir?: string;
  json?: boolean;
}

/** Records that can be dropped: nothing Ferry changed is left that only they could undo. */
const FORGETTABLE = new Set(['aborted', 'done']);

export function registerListCommands(program: Command): void {
  program
    .command('list')
    .description('list the migrations saved in the state folder')
    .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
    .option('--json', 'machine-readable output')
    .action(async (flags: ListFlags) => {
      const states = await savedStates(flags.stateDir ?? defaultStateDir());
      if (flags.json) {
        console.log(JSON.stringify(states.map(summary), null, 2));
        return;
      }
      if (states.length === 0) {
        console.log(`no migrations in ${flags.stateDir ?? defaultStateDir()} (ferry run starts one)`);
        return;
      }
      for (const s of states) {
        const m = summary(s);
        console.log(
          `${m.id.padEnd(30)} ${m.status.padEnd(8)} ${m.strategy.padEnd(9)} ${m.step.padEnd(32)} ${m.indices}  updated ${m.updatedAt}`,
        );
      }
    });

  program
    .command('forget')
    .description('drop the record of an aborted or finished migration, so its id can be used again')
    .requiredOption('--id <id>', 'migration name')
    .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
    .action(async (flags: ListFlags & { id: string }) => {
      const stateDir = flags.stateDir ?? defaultStateDir();
      const store = new StateStore(stateDir, flags.id);
      const state = await store.load();
      if (!state)
        throw new ConfigError(
          `No migration "${flags.id}" in ${stateDir}.`,
          'ferry list shows the ones there.',
        );
      if (!FORGETTABLE.has(state.status))
        throw new ConfigError(
          `Migration ${flags.id} is ${state.status}: its record is the only way to undo what it changed on the clusters.`,
          `Finish it (ferry resume --id ${flags.id}) or undo it (ferry abort --id ${flags.id}) first.`,
        );
      const lock = await RunLock.acquire(store.dir);
      await lock.release();
      await store.remove();
      console.log(`forgot migration ${flags.id} (${state.status}); the id can be used again.`);
    });
}

async function savedStates(stateDir: string): Promise<MigrationState[]> {
  let names: string[];
  try {
    names = await readdir(stateDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const states: MigrationState[] = [];
  for (const name of names.sort()) {
    let store: StateStore;
    try {
      store = new StateStore(stateDir, name);
    } catch {
      continue; // not a migration folder
    }
    const state = await store.load().catch(() => undefined);
    if (state) states.push(state);
  }
  return states;
}

function summary(s: MigrationState): {
  id: string;
  status: string;
  strategy: string;
  step: string;
  indices: string;
  updatedAt: string;
} {
  const plan = s.plan as { sourceIndex?: string; destIndex?: string };
  const current = Object.entries(s.steps).find(([, r]) => r.status !== 'done');
  return {
    id: s.id,
    status: s.status,
    strategy: s.strategy,
    // An aborted run's steps keep the status they had when it stopped: what it is now is "undone".
    step:
      s.status === 'aborted'
        ? `undone by ferry abort${current ? ` (stopped at ${current[0]})` : ''}`
        : current
          ? `${current[0]} (${current[1].status})`
          : 'all steps done',
    indices: `${plan.sourceIndex ?? '?'} -> ${plan.destIndex ?? '?'}`,
    updatedAt: s.updatedAt,
  };
}
