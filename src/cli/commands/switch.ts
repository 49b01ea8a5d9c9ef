// ferry switch: the operator's switch-over, from another shell while `ferry run` is running. It raises the
// switch signal and returns only when the migration says the clients may move: rolling, once every source
// change made before the switch is on the dest ("move the clients now"); fenced, once the source is
// write-blocked and drained ("clients may write to the destination now", with the pause). `--run` executes a
// command at that moment (e.g. a deploy that moves the clients), with the migration's facts in FERRY_* vars.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { withoutFerryVariables } from '../../operator/hooks.js';
import type { MigrationState } from '../../state/migration-state.js';
import { raiseSignal } from '../../state/operator-signal.js';
import type { StateStore } from '../../state/state-store.js';
import { type CommandOutcome, printOutcome } from '../command-outcome.js';
import { type CommonFlags, loadSaved } from '../session.js';

const POLL_MS = 200;

interface SwitchFlags extends CommonFlags {
  run?: string;
  timeout?: string;
}

export function registerSwitchCommand(program: Command): void {
  program
    .command('switch')
    .description('switch a live migration over; returns when the clients may move to the dest')
    .option('--id <id>', 'migration name')
    .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
    .option('--run <command>', 'run this shell command when the clients may move (e.g. your deploy)')
    .option('--timeout <seconds>', 'give up waiting after this long (the switch stays requested)', '600')
    .option('--json', 'answer with one JSON object on stdout ({id, command, status, message})')
    .option('--quiet', 'no progress output')
    .action(async (flags: SwitchFlags) => {
      const { state, store } = await loadSaved(flags);
      await raiseSignal(store.dir, 'switch');
      const controls = state.results.controls;
      if (controls?.current?.postponeSwitch)
        console.error(
          `the switch of ${state.id} is postponed by the operator; it waits until: ferry set --id ${state.id} --no-postpone-switch`,
        );
      const { outcome, switched } = await awaitSwitch(state, store, Number(flags.timeout ?? 600) * 1000);
      process.exitCode = outcome.status === 'switched' ? 0 : 1;
      // Without --json the operator reads that the clients may move before the command runs, as it happens.
      if (!flags.json) printOutcome(outcome, false);
      if (flags.run && switched) {
        const code = await runHook(flags.run, switched, !!flags.json);
        outcome.runExitCode = code;
        process.exitCode = code;
      }
      if (flags.json) printOutcome(outcome, true);
    });
}

/** Polls the saved state until the run acknowledges the switch, the migration fails, or the time is up. */
async function awaitSwitch(
  state: MigrationState,
  store: StateStore,
  timeoutMs: number,
): Promise<{ outcome: CommandOutcome; switched?: MigrationState }> {
  const answer = { id: state.id, command: 'switch' };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await store.load();
    if (now?.results.switchSyncedAt)
      return { outcome: { ...answer, status: 'switched', message: switchedMessage(now) }, switched: now };
    if (now?.status === 'failed' || now?.status === 'aborted' || now?.status === 'aborting') {
      const message = `switch requested for ${state.id}, but the migration is ${now.status}; do not move the clients. See: ferry status --id ${state.id}`;
      return { outcome: { ...answer, status: 'not-switched', migrationStatus: now.status, message } };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const message = `switch requested for ${state.id}; not acknowledged yet (is \`ferry run\`/\`ferry resume\` running?). Do not move the clients until \`ferry switch --id ${state.id}\` says so.`;
  return { outcome: { ...answer, status: 'not-acknowledged', message } };
}

function switchedMessage(state: MigrationState): string {
  const pause = state.results.writeBlockPauseMs;
  if (typeof pause === 'number')
    return `switch done for ${state.id}: source writes are blocked and drained; clients may write to the destination now (writes were blocked ${(pause / 1000).toFixed(1)}s). The block stays until cleanup or abort.`;
  return `switch done for ${state.id}: every source change made before ${String(state.results.switchAcknowledgedAt)} is on the dest; move the clients now. Client writes on the dest win over later source changes (reported as conflicts).`;
}

function runHook(command: string, state: MigrationState, json: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, {
      shell: true,
      // With --json, stdout holds the one answer: the command's own output goes to stderr.
      stdio: json ? ['inherit', process.stderr, 'inherit'] : 'inherit',
      env: {
        ...withoutFerryVariables(process.env),
        FERRY_ID: state.id,
        FERRY_EVENT: 'move-clients',
        FERRY_SOURCE_INDEX: String(state.plan.sourceIndex ?? ''),
        FERRY_DEST_INDEX: String(state.plan.destIndex ?? ''),
      },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
