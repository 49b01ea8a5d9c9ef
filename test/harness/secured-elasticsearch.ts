// A secured Elasticsearch 8 node of the test bed (x-pack security of the integ-test-zip): HTTPS and transport TLS
// with the bed's private CA, users of the file realm (the integ-test-zip cannot create the .security index: its
// mapping needs analysis-common's pattern_capture filter, so native users, roles and API keys are impossible), and
// client certificates through a PKI realm, which needs a trial license (self-generated, offline). Users, roles
// and the certificate's role mapping are files the node reloads within a second.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fetch as undiciFetch } from 'undici';
import { stringify } from 'yaml';
import { CLIENT_CERT_USER, ensureBedCertificates } from './certificates.js';
import { ELASTICSEARCH_USER } from './elasticsearch-zip.js';
import { BED_ADMIN, bedAgent } from './secured-bed.js';
import {
  FERRY_USER,
  LIMITED_USER,
  LIVE_ROLE,
  type RoleGrants,
  type SecuredUsers,
  TEST_INDEX_PATTERNS,
} from './secured-users.js';

const run = promisify(execFile);

export const ES_SECURED_SETTINGS: Record<string, string | boolean | number | string[]> = {
  'xpack.security.enabled': true,
  ...tls('http'),
  'xpack.security.http.ssl.client_authentication': 'optional',
  ...tls('transport'),
  'xpack.security.transport.ssl.verification_mode': 'certificate',
  'xpack.security.authc.realms.file.file1.order': 0,
  'xpack.security.authc.realms.pki.pki1.order': 1,
  'xpack.security.authc.realms.pki.pki1.certificate_authorities': ['ca.pem'],
  'xpack.security.authc.realms.pki.pki1.files.role_mapping': 'role_mapping.yml',
  'xpack.license.self_generated.type': 'trial',
  // Users and roles files are read again this often.
  'resource.reload.interval.high': '1s',
  // 127.0.0.2 reaches the node too and is not in its certificate: the host name mismatch case.
  'http.bind_host': ['127.0.0.1', '127.0.0.2'],
  'http.publish_host': '127.0.0.1',
};

function tls(kind: 'http' | 'transport'): Record<string, string | boolean | string[]> {
  return {
    [`xpack.security.${kind}.ssl.enabled`]: true,
    [`xpack.security.${kind}.ssl.key`]: 'node-key.pem',
    [`xpack.security.${kind}.ssl.certificate`]: 'node.pem',
    [`xpack.security.${kind}.ssl.certificate_authorities`]: ['ca.pem'],
  };
}

/**
 * The live strategy's role in Elasticsearch's names: the same grants, except that Elasticsearch authorizes bulk,
 * mget and scroll per index (its cluster privileges take only `cluster:*` actions), names point-in-time
 * `open_point_in_time`/`open_reader_context`/`close_point_in_time`, detects the engine by nodes info, and reads cluster
 * settings and disk usage with
 * `cluster:monitor/settings` and `cluster:monitor/allocation/stats` (measured, see docs/engines/elasticsearch-8-9.md).
 */
export function elasticsearchRole(grants: RoleGrants): RoleGrants {
  const cluster = grants.cluster.filter((p) => p.startsWith('cluster:'));
  const index = grants.index.flatMap((p) =>
    p === 'indices:data/read/point_in_time/create'
      ? [p, 'indices:data/read/open_point_in_time', 'indices:data/read/open_reader_context']
      : p === 'indices:data/read/point_in_time/delete'
        ? [p, 'indices:data/read/close_point_in_time']
        : [p],
  );
  const scroll = grants.cluster.includes('indices:data/read/scroll') ? ['indices:data/read/scroll*'] : [];
  return {
    // nodes/info: the integ-test-zip has no `GET /`, so the engine is detected from nodes info
    // (docs/operating.md, "Privileges of the live strategy").
    cluster: [
      ...cluster,
      'cluster:monitor/nodes/info',
      'cluster:monitor/settings',
      'cluster:monitor/allocation/stats',
    ],
    index: [...index, ...scroll],
  };
}

/** Certificates, the administrator and the certificate's role mapping, before the node starts. */
export async function prepareSecuredElasticsearch(configDir: string): Promise<void> {
  const certs = await ensureBedCertificates();
  await Promise.all([
    copyFile(certs.ca, join(configDir, 'ca.pem')),
    copyFile(certs.nodeCert, join(configDir, 'node.pem')),
    copyFile(certs.nodeKey, join(configDir, 'node-key.pem')),
  ]);
  await writeUsers(configDir, {});
}

/** The tests' users with their roles (FERRY_USER and the certificate's user: live; LIMITED_USER: live too). */
export async function setUpElasticsearchUsers(
  configDir: string,
  url: string,
  passwords: SecuredUsers,
): Promise<void> {
  await writeUsers(configDir, passwords);
  await waitForUser(url, FERRY_USER, passwords[FERRY_USER] ?? '');
}

async function writeUsers(configDir: string, passwords: SecuredUsers): Promise<void> {
  const users = { [BED_ADMIN.username]: BED_ADMIN.password, ...passwords };
  const live = elasticsearchRole(LIVE_ROLE);
  const role = (g: RoleGrants) => ({
    cluster: g.cluster,
    indices: [{ names: TEST_INDEX_PATTERNS, privileges: g.index }],
  });
  const files: Record<string, string> = {
    users: Object.entries(users)
      .map(([user, password]) => `${user}:${ssha256(password)}\n`)
      .join(''),
    users_roles: [
      `superuser:${BED_ADMIN.username}`,
      ...(passwords[FERRY_USER] ? [`ferry_live:${FERRY_USER}`, `ferry_limited:${LIMITED_USER}`] : []),
    ]
      .map((l) => `${l}\n`)
      .join(''),
    'roles.yml': stringify({ ferry_live: role(live), ferry_limited: role(live) }),
    // The PKI realm's users get their roles from their certificate's DN.
    'role_mapping.yml': stringify({ ferry_live: [`CN=${CLIENT_CERT_USER},O=Ferry Test`] }),
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(configDir, name), text);
  if (process.getuid?.() === 0)
    await run('chown', [
      `${ELASTICSEARCH_USER}:${ELASTICSEARCH_USER}`,
      ...Object.keys(files).map((f) => join(configDir, f)),
      ...['ca.pem', 'node.pem', 'node-key.pem'].map((f) => join(configDir, f)),
    ]);
}

/**
 * Salted SHA-256, one of the file realm's hash formats (`{SSHA256}` + base64 of an 8-byte salt + base64 of
 * sha256(password + salt)): the integ-test-zip has no `elasticsearch-users` tool, and Node has no bcrypt.
 */
function ssha256(password: string): string {
  const salt = randomBytes(8);
  const hash = createHash('sha256').update(Buffer.from(password, 'utf8')).update(salt).digest('base64');
  return `{SSHA256}${salt.toString('base64')}${hash}`;
}

/** The file realm reloads its files every second: wait until the user is known. */
async function waitForUser(url: string, user: string, password: string): Promise<void> {
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await undiciFetch(`${url}/_security/_authenticate`, {
      headers: { authorization: `Basic ${auth}` },
      dispatcher: bedAgent(),
    });
    if (res.ok) return;
    if (Date.now() > deadline)
      throw new Error(
        `${user} cannot log in to ${url} 30 s after the users file was written (${res.status})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
