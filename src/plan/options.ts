// The migration plan: what to move where, from a YAML plan file, environment variables and flags (flags win).
// Validated before anything else happens; every error names the field and the fix.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ConnectionOptions } from '../cluster/connection.js';
import { redactUrl } from '../cluster/connection.js';
import { ConfigError } from '../core/errors.js';
import type { OperatorControls } from '../operator/controls.js';
import { HOOK_EVENTS, type Hooks } from '../operator/hooks.js';
import { defaultStateDir } from '../state/state-dir.js';
import { defaultMigrationId, indexNameProblem, migrationIdProblem } from './names.js';

const indexName = z.string().superRefine((name, ctx) => {
  const problem = indexNameProblem(name);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `index name "${name}" ${problem}` });
});

export const clusterSchema = z
  .object({
    url: z.string().url('must be a URL like https://host:9200'),
    username: z.string().optional(),
    password: z.string().optional(),
    api_key: z.string().optional(),
    ca_file: z.string().optional(),
    /** A client certificate and its key (PEM files), for clusters that authenticate by certificate. */
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    insecure: z.boolean().optional(),
  })
  .strict();

const hooksSchema = z
  .object(Object.fromEntries(HOOK_EVENTS.map((e) => [e, z.string().min(1).optional()])))
  .strict() as z.ZodType<Hooks, z.ZodTypeDef, Hooks>;

export const planSchema = z
  .object({
    id: z
      .string()
      .superRefine((id, ctx) => {
        const problem = migrationIdProblem(id);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `id ${problem}` });
      })
      .optional(),
    strategy: z.enum(['two-pass', 'live']).default('live'),
    source: clusterSchema,
    dest: clusterSchema,
    source_index: indexName,
    dest_index: indexName.optional(),
    delta_index: indexName.optional(),
    repository: z
      .object({ name: z.string().min(1).default('ferry'), location: z.string().optional() })
      .strict()
      .default({ name: 'ferry' }),
    pipeline: z.string().min(1).optional(),
    /** live: how the backfill fills the dest: snapshot/restore where the engines allow it (auto), or the sliced copy. */
    backfill: z.enum(['auto', 'snapshot', 'copy']).default('auto'),
    state_dir: z.string().default(defaultStateDir),
    /** live: block source writes for a bounded final drain instead of a window where both sides take writes. */
    write_block: z.boolean().default(false),
    /** live: at the switch, the source index's aliases stop taking writes (the dest carries them from the start). */
    move_aliases: z.boolean().default(false),
    /** live: the source counts as quiet after this long without a write; then the final drain runs. */
    quiet_seconds: z.number().positive().default(10),
    /** live: the longest time between two delete scans before the switch (each costs a count per shard). */
    reconcile_seconds: z.number().positive().default(1),
    /** Shell commands run at events (see operator/hooks.ts), e.g. `caught_up: ./notify.sh`. */
    hooks: hooksSchema.default({}),
    /** Ceilings on what Ferry writes to the dest (0: none); `ferry set` changes them while it runs. */
    max_docs_per_second: z.number().nonnegative().optional(),
    max_bytes_per_second: z.number().nonnegative().optional(),
    /** Bulk requests in flight at once (default: one per source shard). */
    concurrency: z.number().int().nonnegative().optional(),
    /** live: a requested switch waits until `ferry set --no-postpone-switch`. */
    postpone_switch: z.boolean().optional(),
  })
  .strict();

export type PlanInput = z.input<typeof planSchema>;

export interface Plan {
  id: string;
  strategy: 'two-pass' | 'live';
  source: ConnectionOptions;
  dest: ConnectionOptions;
  sourceIndex: string;
  destIndex: string;
  deltaIndex: string;
  repository: { name: string; location: string | undefined };
  /**
   * Whether the operator named a repository (flag, plan file): `--backfill auto` only snapshots into a
   * repository someone chose, never into the default name by chance.
   */
  repositoryGiven: boolean;
  /** live: snapshot/restore backfill, the sliced copy, or whichever the clusters allow (see plan/backfill-choice.ts). */
  backfill: 'auto' | 'snapshot' | 'copy';
  pipeline: string;
  stateDir: string;
  writeBlock: boolean;
  moveAliases: boolean;
  quietSeconds: number;
  reconcileSeconds: number;
  hooks: Hooks;
  /** The operator's limits and switch postponement at start (see operator/controls.ts). */
  controls: OperatorControls;
}

/** Flag values as commander gives them (camelCase); undefined when not given. */
export interface PlanFlags {
  plan?: string;
  id?: string;
  strategy?: string;
  sourceUrl?: string;
  destUrl?: string;
  sourceIndex?: string;
  destIndex?: string;
  deltaIndex?: string;
  repository?: string;
  repositoryLocation?: string;
  backfill?: string;
  pipeline?: string;
  stateDir?: string;
  writeBlock?: boolean;
  moveAliases?: boolean;
  quietSeconds?: string;
  reconcileSeconds?: string;
  sourceCa?: string;
  destCa?: string;
  sourceCert?: string;
  sourceKey?: string;
  destCert?: string;
  destKey?: string;
  insecure?: boolean;
  /** `--hook event=command`, repeatable. */
  hook?: string[];
  maxDocsPerSecond?: string;
  maxBytesPerSecond?: string;
  concurrency?: string;
  postponeSwitch?: boolean;
}

export function loadPlan(flags: PlanFlags, env: NodeJS.ProcessEnv = process.env): Plan {
  const fromFile = flags.plan ? readPlanFile(flags.plan) : {};
  const merged = mergeInputs(fromFile, fromEnv(env), fromFlags(flags));
  const result = planSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `  ${i.path.join('.') || '(plan)'}: ${i.message}`)
      .join('\n');
    throw new ConfigError(
      `The migration plan is not valid:\n${redactUrl(problems)}`,
      'Fix the fields above in the plan file, flags (--source-url, --source-index, ...) or FERRY_* environment variables.',
    );
  }
  const p = result.data;
  const destIndex = p.dest_index ?? p.source_index;
  const id = p.id ?? defaultMigrationId(p.source_index, destIndex);
  const idProblem = migrationIdProblem(id);
  if (idProblem)
    throw new ConfigError(
      `The migration id "${id.slice(0, 60)}..." made from the index names ${idProblem}.`,
      'Give a shorter one with --id <id> (letters, digits, ".", "_" and "-").',
    );
  if (p.move_aliases && p.strategy !== 'live')
    throw new ConfigError(
      'move_aliases (--move-aliases) is for the live strategy: two-pass leaves aliases to the operator.',
      'Leave --move-aliases out, or use --strategy live.',
    );
  if (p.backfill !== 'auto' && p.strategy !== 'live')
    throw new ConfigError(
      `backfill ${p.backfill} (--backfill) is for the live strategy: two-pass always snapshots and restores.`,
      'Leave --backfill out, or use --strategy live.',
    );
  const deltaIndex = p.delta_index ?? `${p.source_index}-ferry-delta`;
  const deltaProblem = indexNameProblem(deltaIndex);
  if (deltaProblem)
    throw new ConfigError(
      `The delta index name made from the source index name ${deltaProblem}.`,
      'Give one with --delta-index <name> (or delta_index in the plan file).',
    );
  return {
    id,
    strategy: p.strategy,
    source: connection(p.source),
    dest: connection(p.dest),
    sourceIndex: p.source_index,
    destIndex,
    deltaIndex,
    repository: { name: p.repository.name, location: p.repository.location },
    repositoryGiven: isPlainObject(merged.repository),
    backfill: p.backfill,
    pipeline: p.pipeline ?? `ferry-reroute-${p.source_index}`,
    stateDir: p.state_dir,
    writeBlock: p.write_block,
    moveAliases: p.move_aliases,
    quietSeconds: p.quiet_seconds,
    reconcileSeconds: p.reconcile_seconds,
    hooks: p.hooks,
    controls: controlsOf(p),
  };
}

/** How a side logged in: never the secret, only which kind, so a resume can say exactly what is missing. */
export type AuthKind = 'none' | 'basic' | 'api-key';

export interface SideAccess {
  auth: AuthKind;
  /** A CA file was given (its path is asked for again, like the credentials). */
  ca: boolean;
  /** A client certificate was given (asked for again too). Optional: older states have none. */
  cert?: boolean;
  insecure: boolean;
}

export function sideAccess(c: ConnectionOptions): SideAccess {
  let userInUrl = false;
  try {
    userInUrl = new URL(c.url).username !== '';
  } catch {
    // An invalid URL is reported where it is parsed.
  }
  const auth: AuthKind = c.apiKey ? 'api-key' : c.username !== undefined || userInUrl ? 'basic' : 'none';
  return {
    auth,
    ca: c.caFile !== undefined,
    cert: c.certFile !== undefined,
    insecure: c.insecure ?? false,
  };
}

/** A URL without its user info at all (not even "***", which a later parse would take as a user name). */
export function stripUserInfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return redactUrl(url).replace('//***@', '//');
  }
}

/** The plan as stored in state and reports: no credentials, URLs without user info, only how each side logs in. */
export type Side = 'source' | 'dest';

/** The plan as publicPlan saves it. Older states have no `access` and may hold "***@" in a URL. */
export type SavedPlan = Omit<Plan, 'source' | 'dest'> & {
  source: string;
  dest: string;
  access?: Record<Side, SideAccess>;
};

export function publicPlan(plan: Plan): SavedPlan {
  const { source, dest, ...rest } = plan;
  return {
    ...rest,
    source: stripUserInfo(source.url),
    dest: stripUserInfo(dest.url),
    access: { source: sideAccess(source), dest: sideAccess(dest) },
  };
}

export function connection(c: z.infer<typeof clusterSchema>): ConnectionOptions {
  return {
    url: c.url,
    username: c.username,
    password: c.password,
    apiKey: c.api_key,
    caFile: c.ca_file,
    certFile: c.cert_file,
    keyFile: c.key_file,
    insecure: c.insecure,
  };
}

export function readPlanFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the plan file ${path}.`, 'Check the path given to --plan.');
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const duplicate = duplicateKeyError(error, path, text);
    if (duplicate) throw duplicate;
    // The YAML library quotes the offending line, which may hold a password: only its position is shown.
    const where = (error as YamlErrorPosition).linePos?.[0];
    throw new ConfigError(
      `The plan file ${path} is not valid YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}.`,
      'Fix the YAML at that place (indentation, a missing ":" or an unclosed quote), then run again.',
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(
      `The plan file ${path} is not a YAML mapping.`,
      'Write it as key: value lines (see README, "Plan file").',
    );
  }
  return data as Record<string, unknown>;
}

interface YamlErrorPosition {
  code?: string;
  pos?: [number, number];
  linePos?: { line: number; col: number }[];
}

/** A key written twice is a mistake of content, not of layout: name the key (never its value) and its line. */
function duplicateKeyError(error: unknown, path: string, text: string): ConfigError | undefined {
  const e = error as YamlErrorPosition;
  const line = e.linePos?.[0]?.line;
  if (e.code !== 'DUPLICATE_KEY' || !e.pos || line === undefined) return undefined;
  const key = /^["']?([^"':\n]+?)["']?\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? '?';
  return new ConfigError(
    `${path} line ${line}: key \`${key}\` appears twice.`,
    `Keep one \`${key}:\` in ${path} (merge the two, or delete the one you do not mean), then run again.`,
  );
}

export function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const side = (prefix: string) =>
    prune({
      url: env[`${prefix}_URL`],
      username: env[`${prefix}_USERNAME`],
      password: env[`${prefix}_PASSWORD`],
      api_key: env[`${prefix}_API_KEY`],
      ca_file: env[`${prefix}_CA`],
      cert_file: env[`${prefix}_CERT`],
      key_file: env[`${prefix}_KEY`],
    });
  return prune({ source: side('FERRY_SOURCE'), dest: side('FERRY_DEST') });
}

export function fromFlags(f: PlanFlags): Record<string, unknown> {
  return prune({
    id: f.id,
    strategy: f.strategy,
    source: prune({
      url: f.sourceUrl,
      ca_file: f.sourceCa,
      cert_file: f.sourceCert,
      key_file: f.sourceKey,
      insecure: f.insecure,
    }),
    dest: prune({
      url: f.destUrl,
      ca_file: f.destCa,
      cert_file: f.destCert,
      key_file: f.destKey,
      insecure: f.insecure,
    }),
    source_index: f.sourceIndex,
    dest_index: f.destIndex,
    delta_index: f.deltaIndex,
    repository: prune({ name: f.repository, location: f.repositoryLocation }),
    backfill: f.backfill,
    pipeline: f.pipeline,
    state_dir: f.stateDir,
    write_block: f.writeBlock,
    move_aliases: f.moveAliases,
    quiet_seconds: f.quietSeconds === undefined ? undefined : Number(f.quietSeconds),
    reconcile_seconds: f.reconcileSeconds === undefined ? undefined : Number(f.reconcileSeconds),
    hooks: f.hook ? hooksFromFlags(f.hook) : undefined,
    max_docs_per_second: numberFlag(f.maxDocsPerSecond),
    max_bytes_per_second: numberFlag(f.maxBytesPerSecond),
    concurrency: numberFlag(f.concurrency),
    postpone_switch: f.postponeSwitch,
  });
}

/** A number flag; text that is no number stays text, so the schema names the flag's field in its error. */
function numberFlag(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  return v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

function controlsOf(p: z.infer<typeof planSchema>): OperatorControls {
  const c: OperatorControls = {};
  if (p.max_docs_per_second) c.maxDocsPerSecond = p.max_docs_per_second;
  if (p.max_bytes_per_second) c.maxBytesPerSecond = p.max_bytes_per_second;
  if (p.concurrency) c.concurrency = p.concurrency;
  if (p.postpone_switch) c.postponeSwitch = true;
  return c;
}

/** `--hook caught_up=./notify.sh` (also `caught-up=`); a bad event name is reported by the schema. */
export function hooksFromFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const at = v.indexOf('=');
    if (at <= 0)
      throw new ConfigError(
        `--hook ${v} is not event=command.`,
        `Write it as --hook <event>=<command>, event one of ${HOOK_EVENTS.join(', ')}.`,
      );
    out[v.slice(0, at).replace(/-/g, '_')] = v.slice(at + 1);
  }
  return out;
}

/** Deep merge of plain objects, later inputs winning. */
export function mergeInputs(...inputs: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const input of inputs) {
    for (const [key, value] of Object.entries(input)) {
      const existing = out[key];
      out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeInputs(existing, value) : value;
    }
  }
  return out;
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && !(isPlainObject(v) && Object.keys(v).length === 0),
    ),
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The saved plan's fields, for every reader of state.plan (interface merging: state/ names no plan type).
declare module '../state/migration-state.js' {
  interface SavedPlanRecord extends Partial<SavedPlan> {}
}
