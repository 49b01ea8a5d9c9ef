// The flags that describe a migration, shared by plan and run.
import type { Command } from 'commander';
import { HOOK_EVENTS } from '../operator/hooks.js';

export function addPlanFlags(command: Command): Command {
  return addLimitFlags(command)
    .option('--plan <file>', 'YAML plan file (flags and FERRY_* variables override it)')
    .option('--id <id>', 'migration name (default: <source-index>-to-<dest-index>)')
    .option('--strategy <name>', 'live (default) or two-pass')
    .option(
      '--source-url <url>',
      'source cluster URL (credentials: FERRY_SOURCE_USERNAME/PASSWORD/API_KEY, CA: FERRY_SOURCE_CA)',
    )
    .option(
      '--dest-url <url>',
      'dest cluster URL (credentials: FERRY_DEST_USERNAME/PASSWORD/API_KEY, CA: FERRY_DEST_CA)',
    )
    .option('--source-index <name>', 'index to move')
    .option('--source-ca <file>', "PEM file of the CA that signed the source cluster's certificate")
    .option('--dest-ca <file>', "PEM file of the CA that signed the dest cluster's certificate")
    .option('--source-cert <file>', 'client certificate (PEM) for the source (with --source-key)')
    .option('--source-key <file>', "the source client certificate's private key (PEM)")
    .option('--dest-cert <file>', 'client certificate (PEM) for the dest (with --dest-key)')
    .option('--dest-key <file>', "the dest client certificate's private key (PEM)")
    .option(
      '--insecure',
      "do not verify the clusters' TLS certificates (warned on every command; use --*-ca)",
    )
    .option('--dest-index <name>', 'name on the dest (default: same)')
    .option('--delta-index <name>', 'two-pass: index on the source that takes writes during the move')
    .option('--repository <name>', 'snapshot repository registered on both clusters (default: ferry)')
    .option(
      '--repository-location <path>',
      'shared path (in path.repo on both) to register the repository at',
    )
    .option(
      '--backfill <mode>',
      'live: auto (default: snapshot/restore through --repository when both clusters can, else the sliced copy), snapshot (refuse when it cannot), or copy',
    )
    .option('--pipeline <name>', 'two-pass: name of the rerouting pipeline')
    .option('--state-dir <dir>', 'where progress is saved (default: $FERRY_STATE_HOME, else .ferry)')
    .option('--write-block', 'live: at the switch, block source writes for a bounded, measured final drain')
    .option(
      '--move-aliases',
      "live: at the switch, the source index's aliases stop taking writes (reads still work), so a client left on the old cluster gets an error; the dest carries them from the start",
    )
    .option('--quiet-seconds <n>', 'live: drain once the source had no write for this long (default 10)')
    .option(
      '--reconcile-seconds <n>',
      'live: longest time between two delete scans before the switch (default 1)',
    )
    .option(...HOOK_FLAG)
    .option('--postpone-switch', 'live: a requested switch waits until ferry set --no-postpone-switch');
}

/** The operator's limits, on run and resume (and `ferry set` while it runs). */
export function addLimitFlags(command: Command): Command {
  return command
    .option(
      '--max-docs-per-second <n>',
      'at most this many documents written to the dest per second (0: none)',
    )
    .option('--max-bytes-per-second <n>', 'at most this many request bytes to the dest per second (0: none)')
    .option('--concurrency <n>', 'bulk requests in flight at once (default: one per source shard; 0: that)');
}

/** Repeatable; collected into a list. */
const HOOK_FLAG = [
  '--hook <event=command>',
  `run a shell command at an event (${HOOK_EVENTS.join(', ')}) with the facts in FERRY_* variables; a failing hook stops before the next step`,
  (value: string, previous: string[] = []) => [...previous, value],
] as const;

/** For commands on a saved migration that reach the clusters: credentials come again, as for run. */
export function addConnectionFlags(command: Command): Command {
  return command
    .option(
      '--plan <file>',
      'the YAML plan file of the run, for its credentials (FERRY_* variables work too)',
    )
    .option('--source-url <url>', 'source cluster URL, if it changed or carries the credentials')
    .option('--dest-url <url>', 'dest cluster URL, if it changed or carries the credentials')
    .option('--source-ca <file>', "PEM file of the CA that signed the source cluster's certificate")
    .option('--dest-ca <file>', "PEM file of the CA that signed the dest cluster's certificate")
    .option('--source-cert <file>', 'client certificate (PEM) for the source (with --source-key)')
    .option('--source-key <file>', "the source client certificate's private key (PEM)")
    .option('--dest-cert <file>', 'client certificate (PEM) for the dest (with --dest-key)')
    .option('--dest-key <file>', "the dest client certificate's private key (PEM)")
    .option('--insecure', "do not verify the clusters' TLS certificates (warned on every command)");
}

/** Options that may change when a migration is resumed. */
export function addTuningFlags(command: Command): Command {
  return addLimitFlags(command)
    .option('--quiet-seconds <n>', 'live: drain once the source had no write for this long')
    .option('--reconcile-seconds <n>', 'live: longest time between two delete scans before the switch')
    .option('--write-block', 'live: block source writes at the switch (only before the switch)')
    .option(...HOOK_FLAG)
    .option('--postpone-switch', 'live: a requested switch waits until ferry set --no-postpone-switch');
}

export function addRunFlags(command: Command): Command {
  return command
    .option('--confirm-switch', 'the clients have been switched to the dest; go on')
    .option('--yes-delete-source', 'delete the source after clean verifications (cannot be undone)')
    .option(
      '--keep-snapshot',
      'two-pass: after a clean finish keep the snapshot and the repositories Ferry registered (kept for every later resume)',
    )
    .option(
      '--accept-count-drift',
      'two-pass: go on when counts differ, as the seed method would (kept for every later resume)',
    )
    .option('--json', 'progress as JSON lines on stderr; the answer as one JSON object on stdout')
    .option('--quiet', 'no progress output');
}
