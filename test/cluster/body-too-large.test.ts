// A request body over the cluster's http.max_content_length (100mb by default): the real server's answer (HTTP
// 413, an empty body on Elasticsearch 7) becomes a typed, fatal error whose hint names the setting, not a
// retried "cannot reach" or a bare status. Elasticsearch 9 (measured as the dest of the 8:9 pair) answers before
// reading the body and closes the connection: the client sees EPIPE, a connection error, and that case is not
// told apart yet (8 not tried as a dest), so it is skipped there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BodyTooLargeError, isRetryable } from '../../src/cluster/errors.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('a body larger than the destination accepts', () => {
  it('is refused with an error naming http.max_content_length, and nothing is written', async (t) => {
    if (/^elasticsearch-(8|9)/.test(c.destEngine)) {
      t.skip('the dest closes the connection before answering 413 (EPIPE): not told apart yet');
      return;
    }
    const index = uniqueName('too-large');
    const action = JSON.stringify({ index: { _index: index, _id: '1' } });
    const body = Buffer.from(`${action}\n{"t":"${'x'.repeat(101 * 1024 * 1024)}"}\n`);
    const error = await c.dest.bulk(body).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof BodyTooLargeError, `not a BodyTooLargeError: ${String(error)}`);
    assert.equal(isRetryable(error), false);
    assert.match(error.message, /HTTP 413/);
    assert.match(error.hint, /http\.max_content_length/);
    assert.equal(await c.dest.indexExists(index), false);
  });
});
