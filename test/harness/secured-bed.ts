// A secured OpenSearch node of the test bed: the security plugin on the classpath, TLS on transport and HTTP with
// the bed's private CA, basic authentication against the plugin's internal users, and client certificates
// (their CN is the user name). The one user in the static configuration is the bed's administrator; the tests'
// users and roles are made through the security REST API (secured-users.ts).
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { stringify } from 'yaml';
import { bedCertificates, ensureBedCertificates, NODE_DN } from './certificates.js';

/** The bed's administrator (all_access). Tests reach the clusters as this user; Ferry never does. */
export const BED_ADMIN = { username: 'ferry-bed-admin', password: 'Ferry-Bed-Admin-2x9!' };
// bcrypt of BED_ADMIN.password, made once with the plugin's own tool (org.opensearch.security.tools.Hasher).
const BED_ADMIN_HASH = '$2y$12$tolvZycOTFvryvobSkQ20e6EyjGbVYHq61AF3f7h/w3ECJR0HOBl2';

export interface SecuredNode {
  settings: Record<string, string | boolean | string[]>;
  /** JVM system properties: where the plugin finds the configuration it writes into its index at first start. */
  jvmArgs: string[];
}

/** Writes the node's certificates and the security configuration; returns the settings that use them. */
export async function prepareSecuredNode(nodeDir: string, configDir: string): Promise<SecuredNode> {
  const certs = await ensureBedCertificates();
  // PEM paths in the settings are relative to the node's config folder.
  await Promise.all([
    copyFile(certs.ca, join(configDir, 'ca.pem')),
    copyFile(certs.nodeCert, join(configDir, 'node.pem')),
    copyFile(certs.nodeKey, join(configDir, 'node-key.pem')),
  ]);
  const securityDir = join(nodeDir, 'security-config');
  await mkdir(securityDir, { recursive: true });
  await Promise.all(
    Object.entries(securityConfig()).map(([file, content]) =>
      writeFile(join(securityDir, file), stringify(content)),
    ),
  );
  const pem = (kind: 'transport' | 'http') => ({
    [`plugins.security.ssl.${kind}.pemcert_filepath`]: 'node.pem',
    [`plugins.security.ssl.${kind}.pemkey_filepath`]: 'node-key.pem',
    [`plugins.security.ssl.${kind}.pemtrustedcas_filepath`]: 'ca.pem',
  });
  return {
    settings: {
      ...pem('transport'),
      'plugins.security.ssl.transport.enforce_hostname_verification': false,
      'plugins.security.ssl.http.enabled': true,
      ...pem('http'),
      // A client certificate is asked for, not required: basic auth works without one.
      'plugins.security.ssl.http.clientauth_mode': 'OPTIONAL',
      'plugins.security.nodes_dn': [NODE_DN],
      'plugins.security.allow_default_init_securityindex': true,
      'plugins.security.restapi.roles_enabled': ['all_access'],
      'plugins.security.check_snapshot_restore_write_privileges': true,
      'plugins.security.system_indices.enabled': true,
      // The bed's second loopback address reaches the node too, and is not in its certificate: the hostname
      // mismatch case (see bedUrlWithWrongHost).
      'http.bind_host': ['127.0.0.1', '127.0.0.2'],
      // Two-pass reindexes from the source over HTTPS: the dest must trust the bed's CA for that too (a static
      // setting of the reindex module, like the allowlist).
      'reindex.ssl.certificate_authorities': ['ca.pem'],
      'http.publish_host': '127.0.0.1',
    },
    jvmArgs: [`-Dsecurity.default_init.dir=${securityDir}`],
  };
}

function securityConfig(): Record<string, unknown> {
  const meta = (type: string) => ({ _meta: { type, config_version: 2 } });
  return {
    'config.yml': {
      ...meta('config'),
      config: {
        dynamic: {
          http: { anonymous_auth_enabled: false },
          authc: {
            clientcert_auth_domain: {
              description: 'a client certificate: its CN is the user',
              http_enabled: true,
              transport_enabled: false,
              order: 0,
              http_authenticator: {
                type: 'clientcert',
                config: { username_attribute: 'cn' },
                challenge: false,
              },
              authentication_backend: { type: 'noop' },
            },
            basic_internal_auth_domain: {
              description: 'users of the security plugin',
              http_enabled: true,
              transport_enabled: true,
              order: 1,
              http_authenticator: { type: 'basic', challenge: true },
              authentication_backend: { type: 'intern' },
            },
          },
        },
      },
    },
    'internal_users.yml': {
      ...meta('internalusers'),
      [BED_ADMIN.username]: {
        hash: BED_ADMIN_HASH,
        reserved: true,
        description: 'the test bed administrator',
      },
    },
    'roles.yml': meta('roles'),
    'roles_mapping.yml': { ...meta('rolesmapping'), all_access: { users: [BED_ADMIN.username] } },
    'action_groups.yml': meta('actiongroups'),
    'tenants.yml': meta('tenants'),
    'nodes_dn.yml': meta('nodesdn'),
    'allowlist.yml': { ...meta('allowlist'), config: { enabled: false } },
    'audit.yml': { ...meta('audit'), config: { enabled: false } },
  };
}

let agent: Agent | undefined;

/** The bed's CA, for HTTPS calls the harness makes (undici: Node's own fetch takes no CA). */
export function bedAgent(): Agent {
  // Made on first use: the certificates exist once a secured node was prepared.
  agent ??= new Agent({ connect: { ca: readFileSync(bedCertificates().ca, 'utf8') } });
  return agent;
}

/**
 * fetch for the harness: plain for http URLs; for https ones, through the bed's CA as the bed's administrator.
 */
export async function bedFetch(
  url: string,
  init: { method?: string; body?: string } = {},
): Promise<Response> {
  if (!url.startsWith('https:')) return fetch(url, init);
  const auth = Buffer.from(`${BED_ADMIN.username}:${BED_ADMIN.password}`).toString('base64');
  const res = await undiciFetch(url, {
    ...init,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    dispatcher: bedAgent(),
  });
  return res as unknown as Response;
}
