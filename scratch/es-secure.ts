// Scratch: one Elasticsearch 8 node with x-pack security (TLS from the bed's CA, a file-realm admin), to learn what works.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ensureBedCertificates } from '../test/harness/certificates.js';
import { elasticsearchZipSpawn, prepareElasticsearchZip, ELASTICSEARCH_USER } from '../test/harness/elasticsearch-zip.js';
import { BED_ROOT } from '../test/harness/paths.js';
import { BED_ADMIN } from '../test/harness/secured-bed.js';

const version = process.argv[2] ?? '8.19.21';
const port = Number(process.argv[3] ?? 39600);
function ssha256(password: string): string {
  const salt = randomBytes(8);
  const hash = createHash('sha256').update(Buffer.from(password, 'utf8')).update(salt).digest('base64');
  return `{SSHA256}${salt.toString('base64')}${hash}`;
}
const certs = await ensureBedCertificates();
const prepared = await prepareElasticsearchZip(version);
const baseDir = join(BED_ROOT, 'es-secure', `n${port}`);
const pem = (kind: string) => ({
  [`xpack.security.${kind}.ssl.enabled`]: true,
  [`xpack.security.${kind}.ssl.key`]: 'node-key.pem',
  [`xpack.security.${kind}.ssl.certificate`]: 'node.pem',
  [`xpack.security.${kind}.ssl.certificate_authorities`]: ['ca.pem'],
});
const spec = await elasticsearchZipSpawn(
  {
    version,
    clusterName: `ferry-es-secure-${port}`,
    httpPort: port,
    transportPort: port + 50,
    baseDir,
    repoDir: join(BED_ROOT, 'es-secure', 'snapshots'),
    heapMb: 512,
    settings: {
      'xpack.security.enabled': true,
      ...pem('http'),
      'xpack.security.http.ssl.client_authentication': 'optional',
      ...pem('transport'),
      'xpack.security.transport.ssl.verification_mode': 'certificate',
      'xpack.security.authc.realms.file.file1.order': 0,
      'xpack.security.authc.realms.pki.pki1.order': 1,
      'xpack.security.authc.realms.pki.pki1.certificate_authorities': ['ca.pem'],
      'xpack.security.authc.realms.pki.pki1.files.role_mapping': 'role_mapping.yml',
      'xpack.license.self_generated.type': 'trial',
      'resource.reload.interval.high': '1s',
      'http.bind_host': ['127.0.0.1', '127.0.0.2'],
      'http.publish_host': '127.0.0.1',
    },
  },
  prepared,
);
const configDir = join(baseDir, 'config');
await Promise.all([
  copyFile(certs.ca, join(configDir, 'ca.pem')),
  copyFile(certs.nodeCert, join(configDir, 'node.pem')),
  copyFile(certs.nodeKey, join(configDir, 'node-key.pem')),
]);
await writeFile(join(configDir, 'users'), `${BED_ADMIN.username}:${ssha256(BED_ADMIN.password)}\n`);
await writeFile(join(configDir, 'users_roles'), `superuser:${BED_ADMIN.username}\n`);
await writeFile(join(configDir, 'role_mapping.yml'), 'superuser:\n  - "CN=ferry-cert-user,O=Ferry Test"\n');
if (process.getuid?.() === 0) execFileSync('chown', ['-R', `${ELASTICSEARCH_USER}:${ELASTICSEARCH_USER}`, configDir]);
const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, cwd: spec.cwd, detached: true, stdio: 'ignore' });
child.unref();
console.log(`pid ${child.pid} https://127.0.0.1:${port} logs ${join(baseDir, 'logs')}`);
