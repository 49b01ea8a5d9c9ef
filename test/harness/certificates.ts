// The secured bed's private CA and certificates, made with openssl once per bed folder. Besides the node's own
// certificate there are the ones the connection tests need: a client certificate, an unrelated CA (the wrong
// one) and an already expired server certificate signed by the bed's CA.
import { execFile } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BED_ROOT } from './paths.js';

const run = promisify(execFile);

export const TLS_DIR = join(BED_ROOT, 'tls');

export interface BedCertificates {
  /** The CA that signed every certificate below (PEM). */
  ca: string;
  /** The nodes' certificate (CN=ferry-node, for 127.0.0.1 and localhost only) and its PKCS#8 key. */
  nodeCert: string;
  nodeKey: string;
  /** A client certificate whose CN (ferry-cert-user) is the user name the clusters see. */
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: a client trusting only it must refuse the bed. */
  otherCa: string;
  /** A server certificate for 127.0.0.1 signed by the bed's CA whose validity ended before it began. */
  expiredCert: string;
  expiredKey: string;
}

export const NODE_DN = 'CN=ferry-node,O=Ferry Test';
export const CLIENT_CERT_USER = 'ferry-cert-user';

export function bedCertificates(): BedCertificates {
  const f = (name: string) => join(TLS_DIR, name);
  return {
    ca: f('ca.pem'),
    nodeCert: f('node.pem'),
    nodeKey: f('node-key.pem'),
    clientCert: f('client.pem'),
    clientKey: f('client-key.pem'),
    otherCa: f('other-ca.pem'),
    expiredCert: f('expired.pem'),
    expiredKey: f('expired-key.pem'),
  };
}

let making: Promise<BedCertificates> | undefined;

/**
 * Makes the certificates unless a complete set is there already (they are valid for ten years). The nodes of a
 * bed start at once: they share one making, or each would get certificates from another CA.
 */
export function ensureBedCertificates(): Promise<BedCertificates> {
  making ??= makeBedCertificates().catch((error: unknown) => {
    making = undefined;
    throw error;
  });
  return making;
}

async function makeBedCertificates(): Promise<BedCertificates> {
  const certs = bedCertificates();
  const done = join(TLS_DIR, '.complete');
  if (await exists(done)) return certs;
  await rm(TLS_DIR, { recursive: true, force: true });
  await mkdir(TLS_DIR, { recursive: true });
  await selfSigned('ca', '/O=Ferry Test/CN=Ferry Test CA');
  await selfSigned('other-ca', '/O=Somebody Else/CN=Another CA');
  const server = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n';
  await signed('node', '/O=Ferry Test/CN=ferry-node', server, 3650);
  await signed('client', `/O=Ferry Test/CN=${CLIENT_CERT_USER}`, 'extendedKeyUsage=clientAuth\n', 3650);
  // openssl accepts a negative validity: notAfter one day before notBefore, expired from its first second.
  await signed('expired', '/O=Ferry Test/CN=ferry-expired', server, -1);
  await writeFile(done, new Date().toISOString());
  return certs;
}

async function selfSigned(name: string, subject: string): Promise<void> {
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '3650',
    '-subj',
    subject,
    '-keyout',
    join(TLS_DIR, `${name}-key.pem`),
    '-out',
    join(TLS_DIR, `${name}.pem`),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function signed(name: string, subject: string, extensions: string, days: number): Promise<void> {
  const key = join(TLS_DIR, `${name}-key.pem`);
  const csr = join(TLS_DIR, `${name}.csr`);
  const ext = join(TLS_DIR, `${name}.ext`);
  await writeFile(ext, extensions);
  // -newkey writes PKCS#8 keys, the form OpenSearch's PEM settings read.
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-subj',
    subject,
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(TLS_DIR, 'ca.pem'),
    '-CAkey',
    join(TLS_DIR, 'ca-key.pem'),
    '-CAcreateserial',
    '-sha256',
    '-days',
    String(days),
    '-extfile',
    ext,
    '-out',
    join(TLS_DIR, `${name}.pem`),
  ]);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    throw new Error(
      `openssl ${args[0]} failed (is openssl installed?): ${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
