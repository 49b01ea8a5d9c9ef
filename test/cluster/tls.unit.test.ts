// A failed TLS handshake becomes bad input with its fix (never retried); other socket errors are left alone.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { isRetryable, TlsError } from '../../src/cluster/errors.js';
import { tlsError } from '../../src/cluster/tls.js';
import { Transport } from '../../src/cluster/transport.js';

describe('tlsError', () => {
  const cases: [string, RegExp][] = [
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /not signed by a trusted CA[\s\S]*--source-ca <file>/],
    ['SELF_SIGNED_CERT_IN_CHAIN', /untrusted CA[\s\S]*--dest-ca <file>/],
    ['CERT_HAS_EXPIRED', /has expired[\s\S]*Renew/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /not issued for this host name[\s\S]*subject alternative names/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', /handshake[\s\S]*--source-cert/],
  ];
  for (const [code, expected] of cases)
    it(code, () => {
      // undici may wrap the socket's error: the code is looked for in the causes too.
      const error = tlsError(
        { cause: Object.assign(new Error('x'), { code }) },
        'detect engine',
        'https://h:9200',
      );
      assert.ok(error instanceof TlsError);
      assert.match(`${error.message}\n${error.hint}`, expected);
      assert.equal(isRetryable(error), false);
    });

  it('leaves other connection errors to the retrying path', () => {
    assert.equal(tlsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'w', 'd'), undefined);
  });
});

describe('https:// to a port that answers in plain http', () => {
  it('says to use http://, not to give a client certificate', async () => {
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const transport = new Transport({ url: `https://127.0.0.1:${port}` });
    try {
      const error = await transport.request({ method: 'GET', path: '/', what: 'detect engine' }).then(
        () => assert.fail('an https request to a plain http server succeeded'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TlsError, String(error));
      assert.equal(
        error.message,
        `detect engine: https://127.0.0.1:${port} answers in plain http: use http:// in the URL (ERR_SSL_WRONG_VERSION_NUMBER).`,
      );
      assert.match(error.hint, new RegExp(`^Use http://127\\.0\\.0\\.1:${port} in --source-url/--dest-url`));
      assert.doesNotMatch(`${error.message} ${error.hint}`, /client certificate|--source-cert/);
      assert.equal(isRetryable(error), false);
    } finally {
      await transport.close();
      server.close();
    }
  });
});
