// The users a secured bed gives the tests, made through the security plugin's REST API once both clusters are
// up: `ferry`, with exactly the live strategy's least privileges (docs/operating.md, "Privileges of the live
// strategy"), and the client certificate's user with the same role. Passwords are random per bed, kept in the
// bed folder for the tests.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIENT_CERT_USER } from './certificates.js';
import { BED_ROOT } from './paths.js';
import { bedFetch } from './secured-bed.js';

/** Test indices live under these names (uniqueName prefixes), so the role's patterns cover them. */
export const TEST_INDEX_PATTERNS = ['sec-*', 'live-*'];

export interface RoleGrants {
  cluster: string[];
  index: string[];
}

/** The live strategy's least privileges, on the source and the dest alike (one role on both clusters). */
export const LIVE_ROLE: RoleGrants = {
  cluster: [
    'cluster:monitor/main', // engine detection (GET /)
    'cluster:monitor/health',
    'cluster:monitor/state', // cluster uuid, cluster settings (disk watermarks)
    'cluster:monitor/nodes/stats', // dest disk space
    'indices:data/write/bulk', // bulk requests (single-document writes run as one); items need the index privileges
    'indices:data/read/mget',
    'indices:data/read/scroll',
    'indices:data/read/scroll/clear',
  ],
  index: [
    'indices:admin/get',
    'indices:admin/aliases/get', // plan and create_dest_index: the source's aliases, dest alias names taken
    'indices:admin/aliases', // create_dest_index: the carried aliases on the dest; --move-aliases on the source
    'indices:admin/mappings/get',
    'indices:monitor/settings/get',
    'indices:monitor/stats',
    'indices:admin/refresh*', // with the shard-level refresh[s]
    'indices:data/read/search',
    'indices:data/read/mget*',
    'indices:data/read/point_in_time/create',
    'indices:data/read/point_in_time/delete',
    'indices:admin/create', // dest
    'indices:data/write/bulk*', // dest: bulk[s], the shard-level bulk
    'indices:data/write/index', // dest
    'indices:data/write/delete', // dest
    'indices:admin/settings/update', // cleanup: the source's write block
    'indices:admin/delete', // cleanup: the source index; abort: the dest index
  ],
};

/**
 * What the live strategy's snapshot backfill needs on top of LIVE_ROLE (docs/operating.md, "Privileges of the
 * live strategy").
 */
export const LIVE_SNAPSHOT_GRANTS: RoleGrants = {
  cluster: [
    'cluster:monitor/nodes/info', // only with --repository-location: preflight reads path.repo
    'cluster:admin/repository/get',
    'cluster:admin/repository/put', // only where Ferry registers the repository (--repository-location)
    'cluster:admin/repository/delete', // idem: cleanup and abort remove what Ferry registered
    'cluster:admin/repository/verify',
    'cluster:admin/snapshot/create',
    'cluster:admin/snapshot/get',
    'cluster:admin/snapshot/status',
    'cluster:admin/snapshot/delete',
    'cluster:admin/snapshot/restore',
  ],
  index: ['indices:monitor/recovery'],
};

/**
 * The two-pass strategy's least privileges (docs/operating.md, "Privileges of the two-pass strategy"):
 * its reads and writes on the source, delta and dest indices, and the cluster privileges of pipelines,
 * snapshots and the reindex.
 */
export const TWO_PASS_ROLE: RoleGrants = {
  cluster: [
    'cluster:monitor/main', // engine detection; the dest's reindex asks the source too
    'cluster:monitor/health',
    'cluster:monitor/state',
    'cluster:monitor/nodes/stats', // dest disk space
    'cluster:monitor/nodes/info', // ingest processors, reindex module, path.repo, the allowlist
    'indices:data/read/scroll', // the dest's reindex reads the delta by scroll, as the source user
    'indices:data/read/scroll/clear',
    'indices:data/write/bulk', // the reindex writes with bulks, as the dest user
    'cluster:admin/ingest/pipeline/get',
    'cluster:admin/ingest/pipeline/put',
    'cluster:admin/ingest/pipeline/simulate',
    'cluster:admin/ingest/pipeline/delete',
    'cluster:admin/repository/get',
    'cluster:admin/repository/put',
    'cluster:admin/repository/delete',
    'cluster:admin/snapshot/create',
    'cluster:admin/snapshot/get',
    'cluster:admin/snapshot/status',
    'cluster:admin/snapshot/delete',
    'cluster:admin/snapshot/restore',
    'indices:data/write/reindex',
    'cluster:monitor/task/get',
  ],
  index: [
    'indices:admin/get',
    'indices:monitor/settings/get',
    'indices:monitor/stats',
    'indices:admin/refresh*',
    'indices:data/read/search',
    'indices:admin/create', // the delta index; the restored dest index
    'indices:data/write/index', // the restore (the plugin checks it), the reindex
    'indices:data/write/bulk*', // the reindex's shard-level bulk
    'indices:admin/settings/update', // index.default_pipeline of the source
    'indices:monitor/recovery', // restore progress
    'indices:admin/delete', // delete_index: the source and the delta; abort: the delta and the dest
  ],
};

export const FERRY_USER = 'ferry';
/** The user with exactly the two-pass role. */
export const TWO_PASS_USER = 'ferry-two-pass';
export const TWO_PASS_ROLE_NAME = 'ferry_two_pass';
/** A user whose role the privilege tests set to the live role minus one grant. */
export const LIMITED_USER = 'ferry-limited';
export const LIVE_ROLE_NAME = 'ferry_live';
export const LIMITED_ROLE_NAME = 'ferry_limited';

export interface SecuredUsers {
  [user: string]: string;
}

const USERS_FILE = join(BED_ROOT, 'security-users.json');

/** Random, and strong enough for the plugin's password rules (length and a zxcvbn score). */
function newPassword(): string {
  return `Fy-${randomBytes(12).toString('base64url')}-9!q`;
}

/** Makes the role and users on one cluster (the same passwords on both sides of the bed). */
export async function setUpSecuredUsers(url: string, passwords: SecuredUsers): Promise<void> {
  await putRole(url, LIVE_ROLE_NAME, LIVE_ROLE);
  await putRole(url, LIMITED_ROLE_NAME, LIVE_ROLE);
  await putRole(url, TWO_PASS_ROLE_NAME, TWO_PASS_ROLE);
  for (const user of [FERRY_USER, LIMITED_USER, TWO_PASS_USER])
    await api(url, 'PUT', `internalusers/${user}`, { password: passwords[user] });
  await api(url, 'PUT', `rolesmapping/${LIVE_ROLE_NAME}`, { users: [FERRY_USER, CLIENT_CERT_USER] });
  await api(url, 'PUT', `rolesmapping/${LIMITED_ROLE_NAME}`, { users: [LIMITED_USER] });
  await api(url, 'PUT', `rolesmapping/${TWO_PASS_ROLE_NAME}`, { users: [TWO_PASS_USER] });
}

export function newSecuredPasswords(): SecuredUsers {
  return { [FERRY_USER]: newPassword(), [LIMITED_USER]: newPassword(), [TWO_PASS_USER]: newPassword() };
}

export async function saveSecuredPasswords(passwords: SecuredUsers): Promise<void> {
  await writeFile(USERS_FILE, JSON.stringify(passwords), { mode: 0o600 });
}

export async function securedPasswords(): Promise<SecuredUsers> {
  return JSON.parse(await readFile(USERS_FILE, 'utf8')) as SecuredUsers;
}

export async function putRole(url: string, name: string, grants: RoleGrants): Promise<void> {
  await api(url, 'PUT', `roles/${name}`, {
    cluster_permissions: grants.cluster,
    index_permissions: [{ index_patterns: TEST_INDEX_PATTERNS, allowed_actions: grants.index }],
  });
}

/** Sets who has a role on one cluster (the bed maps each role at start; a test may change it for a case). */
export async function mapRole(url: string, role: string, users: string[]): Promise<void> {
  await api(url, 'PUT', `rolesmapping/${role}`, { users });
}

async function api(url: string, method: string, path: string, body: unknown): Promise<void> {
  const res = await bedFetch(`${url}/_plugins/_security/api/${path}`, { method, body: JSON.stringify(body) });
  if (!res.ok)
    throw new Error(`security API ${method} ${path} on ${url}: HTTP ${res.status} ${await res.text()}`);
}
