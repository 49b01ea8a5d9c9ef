// What every migration command needs: the plan (from inputs, or from saved state plus re-supplied secrets),
// connected clients, the state store and the progress output.

import { ClusterClient } from '../cluster/client.js';
import type { ConnectionOptions } from '../cluster/connection.js';
import { ConfigError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { defaultMigrationId } from '../plan/names.js';
import { loadPlan, type Plan, type PlanFlags, stripUserInfo } from '../plan/options.js';
import { rebuildPlan } from '../plan/saved-plan.js';
import { createProgress, type ProgressMode } from '../report/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import { defaultStateDir } from '../state/state-dir.js';
import { StateStore } from '../state/state-store.js';
import { warnCredentialsInUrl } from './url-credentials.js';

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
  warnInsecure('source', plan.source);
  warnInsecure('dest', plan.dest);
  const source = await ClusterClient.connect(plan.source);
  let dest: ClusterClient;
  try {
    dest = await ClusterClient.connect(plan.dest);
  } catch (error) {
    await source.close();
    throw error;
  }
  warnCredentialsInUrl('source', plan.source);
  warnCredentialsInUrl('dest', plan.dest);
  return { source, dest, close: async () => void (await Promise.all([source.close(), dest.close()])) };
}

/** Unverified TLS is the operator's explicit choice, and said loudly every time a command connects. */
function warnInsecure(side: 'source' | 'dest', options: ConnectionOptions): void {
  if (!options.insecure) return;
  console.error(
    `WARNING: --insecure: the ${side} cluster's TLS certificate is NOT verified. Anyone on the network path can ` +
      `pose as ${stripUserInfo(options.url)} and read the credentials and every document Ferry moves. ` +
      `Give its CA instead: --${side}-ca <file> (FERRY_${side.toUpperCase()}_CA, or ${side}.ca_file in the plan).`,
  );
}

/**
 * For commands on a saved migration: its state and plan. Commands that reach the clusters (`connect`) get
 * credentials again from the same sources as `ferry run`: FERRY_* variables, --plan, user info in the URL.
 */
export async function loadSaved(
  flags: CommonFlags,
  options: { connect: boolean } = { connect: false },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ plan: Plan; state: MigrationState; store: StateStore; changes: string[] }> {
  const fromFile = flags.plan ? loadPlan(flags, env) : undefined;
  const stateDir = flags.stateDir ?? fromFile?.stateDir ?? defaultStateDir();
  const id =
    flags.id ??
    fromFile?.id ??
    (flags.sourceIndex
      ? defaultMigrationId(flags.sourceIndex, flags.destIndex ?? flags.sourceIndex)
      : undefined);
  if (!id)
    throw new ConfigError(
      'Which migration? No --id was given.',
      'Pass --id <id> (ferry run printed it; ferry list shows them all), or the same --plan as the run.',
    );
  const store = new StateStore(stateDir, id);
  const state = await store.load();
  if (!state)
    throw new ConfigError(
      `No migration "${id}" in ${stateDir}.`,
      'Check --id and --state-dir (ferry list shows the migrations there); `ferry run` starts a new one.',
    );
  const { plan, changes } = rebuildPlan(state, stateDir, flags, env, options.connect);
  return { plan, state, store, changes };
}

/**
 * Connects to the clusters of a saved migration and makes sure they are the ones it started on (by cluster
 * uuid; a URL may legitimately change). The first connection records them.
 */
export async function connectSaved(
  plan: { source: ConnectionOptions; dest: ConnectionOptions },
  state: MigrationState,
): Promise<{ source: ClusterClient; dest: ClusterClient; close(): Promise<void> }> {
  const sides = await connectSides(plan);
  const saved = (state.plan.clusters ?? {}) as { source?: string; dest?: string };
  for (const side of ['source', 'dest'] as const) {
    const uuid = sides[side].engine.clusterUuid;
    if (saved[side] && uuid && saved[side] !== uuid) {
      await sides.close();
      throw new ConfigError(
        `The ${side} URL ${sides[side].transport.display} reaches another cluster (uuid ${uuid}) than the one migration ${state.id} started on (uuid ${saved[side]}).`,
        `Give the URL of the original ${side} cluster with --${side}-url (or FERRY_${side.toUpperCase()}_URL, or --plan).`,
      );
    }
  }
  state.plan.clusters = {
    source: saved.source ?? sides.source.engine.clusterUuid,
    dest: saved.dest ?? sides.dest.engine.clusterUuid,
  };
  return sides;
}

/** A cluster's connection: the URL given, credentials and CA from FERRY_<SIDE>_* variables. */
export function withSecrets(url: string, prefix: string, env: NodeJS.ProcessEnv): ConnectionOptions {
  return {
    url,
    username: env[`${prefix}_USERNAME`],
    password: env[`${prefix}_PASSWORD`],
    apiKey: env[`${prefix}_API_KEY`],
    caFile: env[`${prefix}_CA`],
    certFile: env[`${prefix}_CERT`],
    keyFile: env[`${prefix}_KEY`],
  };
}
