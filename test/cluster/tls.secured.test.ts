// Connections to secured clusters (HTTPS from the bed's private CA, basic and client-certificate auth): what
// works, and what is refused before anything changes, with a message naming the fix and never the secret.
// Runs only on secured pairs (test/run.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server } from 'node:tls';
import { bedCertificates } from '../harness/certificates.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';
import { FERRY_USER, securedPasswords } from '../harness/secured-users.js';

const certs = bedCertificates();
let c: TestClusters;
let index: string;
let password: string;
let clientKey: string;
/** A TLS front for the source that shows an expired certificate (signed by the bed's CA) and forwards. */
let expiredFront: Server;
let expiredUrl: string;

before(async () => {
  c = await testClusters();
  password = (await securedPasswords())[FERRY_USER] ?? '';
  clientKey = await readFile(certs.clientKey, 'utf8');
  index = uniqueName('sec-tls');
  await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await c.source.bulk(`${JSON.stringify({ index: { _index: index, _id: '1' } })}\n{"n":1}\n`, {
    refresh: 'true',
  });
  const source = new URL(c.sourceUrl);
  const [cert, key, ca] = await Promise.all(
    [certs.expiredCert, certs.expiredKey, certs.ca].map((f) => readFile(f, 'utf8')),
  );
  expiredFront = createServer({ cert, key }, (client) => {
    const upstream = connect({ host: source.hostname, port: Number(source.port), ca });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => expiredFront.listen(0, '127.0.0.1', resolve));
  expiredUrl = `https://127.0.0.1:${(expiredFront.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => expiredFront.close(() => resolve()));
  await c.close();
});

/** The ferry user's access to both sides, through the bed's CA. */
function goodEnv(): Record<string, string> {
  return {
    FERRY_SOURCE_USERNAME: FERRY_USER,
    FERRY_SOURCE_PASSWORD: password,
    FERRY_DEST_USERNAME: FERRY_USER,
    FERRY_DEST_PASSWORD: password,
    FERRY_SOURCE_CA: certs.ca,
    FERRY_DEST_CA: certs.ca,
  };
}

interface Case {
  name: string;
  env?: (good: Record<string, string>) => Record<string, string | undefined>;
  args?: () => string[];
  expect: RegExp;
}

const WRONG_PASSWORD = 'Wr0ng-Pa55word-for-ferry!';

const REFUSED: Case[] = [
  {
    name: 'wrong password',
    env: (g) => ({ ...g, FERRY_SOURCE_PASSWORD: WRONG_PASSWORD }),
    expect:
      // OpenSearch's security plugin answers a bare "Unauthorized"; Elasticsearch names the user (never the password).
      /HTTP 401(: the cluster did not accept the credentials| security_exception: unable to authenticate user \[ferry\] for REST request \[\S+\])\nfix: Check the credentials .*FERRY_SOURCE_USERNAME\/FERRY_SOURCE_PASSWORD/,
  },
  {
    name: 'no CA given for a private CA',
    env: (g) => ({ ...g, FERRY_SOURCE_CA: undefined }),
    expect:
      /refused by TLS: its certificate is not signed by a trusted CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\.\nfix: Give the CA that signed the cluster certificate: --source-ca <file>/,
  },
  {
    name: 'the wrong CA',
    env: (g) => ({ ...g, FERRY_DEST_CA: certs.otherCa }),
    expect:
      /https:\/\/127\.0\.0\.1:\d+ refused by TLS: its certificate is not signed by a trusted CA .*\nfix: .*--dest-ca <file>/,
  },
  {
    name: 'an expired certificate',
    args: () => ['--source-url', expiredUrl],
    expect:
      /refused by TLS: its certificate \(or one of its CAs\) has expired \(CERT_HAS_EXPIRED\)\.\nfix: Renew the cluster certificate/,
  },
  {
    name: 'a host name the certificate does not list',
    // The bed's nodes listen on 127.0.0.2 too; their certificate names 127.0.0.1 and localhost only.
    args: () => ['--source-url', c.sourceUrl.replace('127.0.0.1', '127.0.0.2')],
    expect:
      /refused by TLS: its certificate is not issued for this host name \(ERR_TLS_CERT_ALTNAME_INVALID\)\.\nfix: Use a host name that the certificate lists/,
  },
  {
    name: "a client key that is not the certificate's",
    env: (g) => ({
      ...g,
      FERRY_SOURCE_USERNAME: undefined,
      FERRY_SOURCE_PASSWORD: undefined,
      FERRY_SOURCE_CERT: certs.clientCert,
      FERRY_SOURCE_KEY: certs.expiredKey,
    }),
    expect: /The client key .* does not belong to the client certificate .*\nfix: Give PEM files/,
  },
];

describe('secured connections', () => {
  for (const testCase of REFUSED) {
    it(`refuses ${testCase.name} before anything changes`, async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'ferry-tls-'));
      const before = await fingerprints();
      for (const command of ['plan', 'run']) {
        const res = await runFerry(
          [command, ...baseArgs(stateDir), ...(testCase.args?.() ?? []), '--quiet'],
          testCase.env ? testCase.env(goodEnv()) : goodEnv(),
        );
        const output = res.stdout + res.stderr;
        assert.equal(res.code, 2, `${command} should exit 2:\n${output}`);
        assert.match(output, testCase.expect);
        assertNoSecret(output);
      }
      assert.deepEqual(await fingerprints(), before);
      assert.deepEqual(await readdir(stateDir), [], 'no state may be written for a run that never started');
    });
  }

  it('connects with the CA and a password', async () => {
    const res = await runFerry(['plan', ...baseArgs(await tmp())], goodEnv());
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /\[ ok \] privileges/);
    assertNoSecret(res.stdout + res.stderr);
  });

  it('connects with a client certificate and no password (its CN is the user)', async () => {
    const env = {
      ...goodEnv(),
      FERRY_SOURCE_USERNAME: undefined,
      FERRY_SOURCE_PASSWORD: undefined,
      FERRY_SOURCE_CERT: certs.clientCert,
      FERRY_SOURCE_KEY: certs.clientKey,
    };
    const res = await runFerry(['plan', ...baseArgs(await tmp())], env);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /\[ ok \] privileges/);
    assertNoSecret(res.stdout + res.stderr);
    // The same through flags rather than variables.
    const flags = await runFerry(
      ['plan', ...baseArgs(await tmp()), '--source-cert', certs.clientCert, '--source-key', certs.clientKey],
      { ...env, FERRY_SOURCE_CERT: undefined, FERRY_SOURCE_KEY: undefined },
    );
    assert.equal(flags.code, 0, flags.stdout + flags.stderr);
  });

  it('connects with --insecure only with a loud warning per side', async () => {
    const env = { ...goodEnv(), FERRY_SOURCE_CA: undefined, FERRY_DEST_CA: undefined };
    const res = await runFerry(['plan', ...baseArgs(await tmp()), '--insecure'], env);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    for (const side of ['source', 'dest'])
      assert.match(
        res.stderr,
        new RegExp(
          `WARNING: --insecure: the ${side} cluster's TLS certificate is NOT verified.*--${side}-ca <file>`,
        ),
      );
    assertNoSecret(res.stdout + res.stderr);
  });
});

function baseArgs(stateDir: string): string[] {
  return [
    '--source-url',
    c.sourceUrl,
    '--dest-url',
    c.destUrl,
    '--source-index',
    index,
    '--state-dir',
    stateDir,
  ];
}

function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ferry-tls-'));
}

function fingerprints() {
  return Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]);
}

function assertNoSecret(output: string): void {
  assert.ok(!output.includes(password), 'the password appeared in the output');
  assert.ok(!output.includes(WRONG_PASSWORD), 'the wrong password appeared in the output');
  assert.ok(!output.includes(clientKey.split('\n')[1] ?? 'no key'), 'the client key appeared in the output');
}
