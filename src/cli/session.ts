// What every migration command needs: the plan (from inputs, or from saved state plus re-supplied secrets),
// connected clients, the state store and the progress output.
import { ClusterClient } from '../cluster/client.js';
import type { ConnectionOptions } from '../cluster/connection.js';
import { ConfigError } from '../cluster/errors.js';
import { loadPlan, type Plan, type PlanFlags } from '../plan/options.js';
import { createProgress, type Progress, type ProgressMode } from '../report/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import { StateStore } from '../state/state-store.js';

export interface CommonFlags extends PlanFlags {
  json?: boolean;
  quiet?: boolean;
}

export function progressFor(flags: CommonFlags): Progress {
  const mode: ProgressMode = flags.json
    ? 'json'
    : flags.quiet
      ? 'silent'
      : process.stderr.isTTY
        ? 'tty'
        : 'plain';
  return createProgress(mode);
}

export async function connectSides(plan: {
  source: ConnectionOptions;
  dest: ConnectionOptions;
}): Promise<{ source: ClusterClient; dest: ClusterClient; close(): Promise<void> }> {
  const source = await ClusterClient.connect(plan.source);
  let dest: ClusterClient;
  try {
    dest = await ClusterClient.connect(plan.dest);
  } catch (error) {
    await source.close();
    throw error;
  }
  return { source, dest, close: async () => void (await Promise.all([source.close(), dest.close()])) };
}

/** For resume/status/abort: the saved plan, with credentials taken again from flags or FERRY_* variables. */
export async function loadSaved(
  flags: CommonFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ plan: Plan; state: MigrationState; store: StateStore }> {
  const stateDir = flags.stateDir ?? '.ferry';
  const id = flags.id ?? (flags.sourceIndex ? loadPlan(flags, env).id : undefined);
  if (!id)
    throw new ConfigError(
      'Which migration? No --id was given.',
      'Pass --id <id> (ferry run printed it), or the same --source-index/--dest-index as the run.',
    );
  const store = new StateStore(stateDir, id);
  const state = await store.load();
  if (!state)
    throw new ConfigError(
      `No migration "${id}" in ${stateDir}.`,
      'Check --id and --state-dir; `ferry run` starts a new one.',
    );
  const saved = state.plan as unknown as Omit<Plan, 'source' | 'dest'> & { source: string; dest: string };
  const plan: Plan = {
    ...saved,
    source: withSecrets(flags.sourceUrl ?? env.FERRY_SOURCE_URL ?? saved.source, 'FERRY_SOURCE', env),
    dest: withSecrets(flags.destUrl ?? env.FERRY_DEST_URL ?? saved.dest, 'FERRY_DEST', env),
  };
  return { plan, state, store };
}

/** A cluster's connection: the URL given, credentials and CA from FERRY_<SIDE>_* variables. */
export function withSecrets(url: string, prefix: string, env: NodeJS.ProcessEnv): ConnectionOptions {
  return {
    url,
    username: env[`${prefix}_USERNAME`],
    password: env[`${prefix}_PASSWORD`],
    apiKey: env[`${prefix}_API_KEY`],
    caFile: env[`${prefix}_CA`],
  };
}
