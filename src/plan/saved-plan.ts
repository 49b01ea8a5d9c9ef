// The plan of a saved migration, rebuilt for resume, abort, cleanup and audit. What it moves is fixed by the
// saved state; credentials come again from the same sources as `ferry run` (FERRY_* variables, the --plan
// file, user info in the URL), because state never holds one; tuning options may change.
import { ConfigError } from '../core/errors.js';
import type { MigrationState } from '../state/migration-state.js';
import {
  clusterSchema,
  connection,
  fromEnv,
  fromFlags,
  isPlainObject,
  mergeInputs,
  type Plan,
  type PlanFlags,
  planSchema,
  readPlanFile,
  type SavedPlan,
  type Side,
  type SideAccess,
  stripUserInfo,
} from './options.js';

export interface RebuiltPlan {
  plan: Plan;
  /** Tuning options changed by this command, e.g. "quiet_seconds 10 -> 5", for the state and the operator. */
  changes: string[];
}

/** Plan keys that say what is moved where: a resume that names them differently is another migration. */
const IDENTITY: { key: string; saved: (p: SavedPlan) => unknown; read: (raw: Raw) => unknown }[] = [
  { key: 'strategy', saved: (p) => p.strategy, read: (r) => r.strategy },
  { key: 'source_index', saved: (p) => p.sourceIndex, read: (r) => r.source_index },
  { key: 'dest_index', saved: (p) => p.destIndex, read: (r) => r.dest_index },
  { key: 'delta_index', saved: (p) => p.deltaIndex, read: (r) => r.delta_index },
  { key: 'pipeline', saved: (p) => p.pipeline, read: (r) => r.pipeline },
  // Older states have no backfill key: their migrations copied.
  { key: 'backfill', saved: (p) => p.backfill ?? 'copy', read: (r) => r.backfill },
  {
    key: 'repository.name',
    saved: (p) => p.repository.name,
    read: (r) => (isPlainObject(r.repository) ? r.repository.name : undefined),
  },
];

type Raw = Record<string, unknown>;

const tuningSchema = planSchema
  .pick({ quiet_seconds: true, reconcile_seconds: true, write_block: true, hooks: true })
  .partial();

export function rebuildPlan(
  state: MigrationState,
  stateDir: string,
  flags: PlanFlags,
  env: NodeJS.ProcessEnv,
  /** False for commands that only read the state (status, report): they need no credentials. */
  checkAccess = true,
): RebuiltPlan {
  // The one cast from the saved JSON: a field a newer version added and an older state lacks is filled below.
  const saved = state.plan as SavedPlan;
  const raw = mergeInputs(flags.plan ? readPlanFile(flags.plan) : {}, fromEnv(env), fromFlags(flags));
  checkIdentity(saved, raw);
  const { tuning, changes } = tuningChanges(saved, raw, state);
  const { access: _access, source: _source, dest: _dest, ...fixed } = saved;
  const plan: Plan = {
    ...fixed,
    hooks: fixed.hooks ?? {},
    controls: fixed.controls ?? {},
    ...tuning,
    stateDir,
    source: sideConnection('source', saved, raw, checkAccess),
    dest: sideConnection('dest', saved, raw, checkAccess),
  };
  return { plan, changes };
}

function checkIdentity(saved: SavedPlan, raw: Raw): void {
  const differ = IDENTITY.filter((f) => {
    const given = f.read(raw);
    return given !== undefined && given !== f.saved(saved);
  });
  if (differ.length === 0) return;
  throw new ConfigError(
    `Migration ${saved.id} cannot change what it moves:\n${differ
      .map((f) => `  ${f.key}: "${String(f.read(raw))}" given, "${String(f.saved(saved))}" saved`)
      .join('\n')}`,
    `Leave ${differ.map((f) => f.key).join(', ')} out (the saved values are used), or start another migration with ferry run --id <new id>.`,
  );
}

function tuningChanges(
  saved: SavedPlan,
  raw: Raw,
  state: MigrationState,
): { tuning: Partial<Plan>; changes: string[] } {
  const parsed = tuningSchema.safeParse({
    quiet_seconds: raw.quiet_seconds,
    reconcile_seconds: raw.reconcile_seconds,
    write_block: raw.write_block,
    hooks: raw.hooks,
  });
  if (!parsed.success)
    throw new ConfigError(
      `Invalid option:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
      'Give --quiet-seconds and --reconcile-seconds as positive numbers.',
    );
  const t = parsed.data;
  const tuning: Partial<Plan> = {};
  const changes: string[] = [];
  const set = <K extends 'quietSeconds' | 'reconcileSeconds' | 'writeBlock'>(
    key: K,
    name: string,
    value: Plan[K] | undefined,
  ) => {
    if (value === undefined || (value as unknown) === saved[key]) return;
    changes.push(`${name} ${String(saved[key])} -> ${String(value)}`);
    tuning[key] = value;
  };
  set('quietSeconds', 'quiet_seconds', t.quiet_seconds);
  set('reconcileSeconds', 'reconcile_seconds', t.reconcile_seconds);
  if (t.write_block !== undefined && t.write_block !== saved.writeBlock && state.results.switchAcknowledgedAt)
    throw new ConfigError(
      `Migration ${saved.id} already switched at ${String(state.results.switchAcknowledgedAt)}; write_block cannot change now.`,
      'Resume without --write-block.',
    );
  set('writeBlock', 'write_block', t.write_block);
  // Hooks given again replace the saved ones event by event (an operator fixes a failing hook this way).
  if (raw.hooks !== undefined && t.hooks) {
    tuning.hooks = { ...(saved.hooks ?? {}), ...t.hooks };
    changes.push(`hooks ${Object.keys(t.hooks).join(', ')}`);
  }
  return { tuning, changes };
}

function sideConnection(side: Side, saved: SavedPlan, raw: Raw, checkAccess: boolean): Plan['source'] {
  const given = isPlainObject(raw[side]) ? raw[side] : {};
  const result = clusterSchema.safeParse({ ...given, url: given.url ?? stripUserInfo(saved[side]) });
  if (!result.success)
    throw new ConfigError(
      `The ${side} connection is not valid:\n${result.error.issues.map((i) => `  ${side}.${i.path.join('.')}: ${i.message}`).join('\n')}`,
      `Fix ${side} in the plan file, --${side}-url or the FERRY_${side.toUpperCase()}_* variables.`,
    );
  const options = connection(result.data);
  const access = saved.access?.[side];
  if (access?.insecure && options.insecure === undefined) options.insecure = true;
  const missing = access && checkAccess ? missingAccess(options, access) : undefined;
  if (missing) {
    const prefix = `FERRY_${side.toUpperCase()}`;
    const sources =
      missing === 'api-key'
        ? `${prefix}_API_KEY, or ${side}.api_key in a --plan file`
        : missing === 'ca'
          ? `--${side}-ca, ${prefix}_CA, or ${side}.ca_file in a --plan file`
          : missing === 'cert'
            ? `--${side}-cert and --${side}-key, ${prefix}_CERT and ${prefix}_KEY, or ${side}.cert_file and ${side}.key_file in a --plan file`
            : `${prefix}_USERNAME and ${prefix}_PASSWORD, ${side}.username/password in a --plan file, or user info in --${side}-url`;
    throw new ConfigError(
      `The ${side} cluster was reached with ${ACCESS_NAMES[missing]} when this migration ran, and none was given now (Ferry never stores them).`,
      `Give it again as for ferry run: ${sources}.`,
    );
  }
  return options;
}

const ACCESS_NAMES = {
  basic: 'a username and password',
  'api-key': 'an API key',
  ca: 'a CA file',
  cert: 'a client certificate',
} as const;

function missingAccess(options: Plan['source'], access: SideAccess): keyof typeof ACCESS_NAMES | undefined {
  const url = new URL(options.url);
  const username = options.username ?? (url.username || undefined);
  const password = options.password ?? (url.password || undefined);
  if (access.auth === 'basic' && !options.apiKey && (username === undefined || password === undefined))
    return 'basic';
  if (access.auth === 'api-key' && !options.apiKey && username === undefined) return 'api-key';
  if (access.ca && !options.caFile) return 'ca';
  if (access.cert && !options.certFile) return 'cert';
  return undefined;
}
