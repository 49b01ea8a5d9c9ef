// CLI basics an operator meets first, on real clusters: --version; credentials in a URL accepted with a
// warning that names the variables (and never shown); one cluster reached under two names copies fine to
// another index name; a bad input says error and fix once each. None of them changes either cluster.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint, type Fingerprint } from '../harness/fingerprint.js';
import { REPO_ROOT } from '../harness/paths.js';

let c: TestClusters;
let index: string;
before(async () => {
  c = await testClusters();
  index = uniqueName('basics');
  await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await c.source.bulk(
    `${JSON.stringify({ index: { _index: index, _id: '1' } })}\n${JSON.stringify({ n: 1 })}\n`,
    { refresh: 'true' },
  );
});
after(async () => {
  await c.close();
});

const SECRET = 'b4sics-Pa55';

function bothSides(): Promise<Fingerprint[]> {
  return Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]);
}

describe('CLI basics', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const res = await runFerry(['--version']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim(), pkg.version);
  });

  it('credentials in a URL work, with a warning naming the variables; the secret is never printed', async () => {
    const before = await bothSides();
    const stateDir = await mkdtemp(join(tmpdir(), 'ferry-basics-'));
    const url = c.sourceUrl.replace('//', `//ferry:${SECRET}@`);
    const res = await runFerry([
      'plan',
      '--source-url',
      url,
      '--dest-url',
      c.destUrl,
      '--source-index',
      index,
      '--state-dir',
      stateDir,
    ]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /warning: the source URL http:\/\/127\.0\.0\.1:\d+ carries credentials;[^\n]*FERRY_SOURCE_USERNAME and FERRY_SOURCE_PASSWORD/,
    );
    assert.equal(res.stderr.match(/carries credentials/g)?.length, 1, 'warned once');
    assert.ok(!(res.stdout + res.stderr).includes(SECRET), 'the password was printed');
    assert.deepEqual(await bothSides(), before);
    assert.deepEqual(await readdir(stateDir), []);
  });

  it('one cluster under two names (localhost, 127.0.0.1): another index name is fine', async () => {
    const before = await bothSides();
    const res = await runFerry([
      'plan',
      '--source-url',
      c.sourceUrl,
      '--dest-url',
      c.sourceUrl.replace('127.0.0.1', 'localhost'),
      '--source-index',
      index,
      '--dest-index',
      `${index}-copy`,
      '--state-dir',
      await mkdtemp(join(tmpdir(), 'ferry-basics-')),
    ]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`\\[ ok \\] dest index absent: ${index}-copy does not exist`));
    // The ledger's size is told from the source's count and its ids (one document, id "1").
    assert.match(
      res.stdout,
      /\[ ok \] ledger disk space \(state directory\): the ledger of 1 documents needs about 64\.0 KB \(\d+\.\d MB per million documents with ids of 1 bytes, plus 25% while it runs\); [\d.]+ [KMGT]?B free in \//,
    );
    assert.deepEqual(await bothSides(), before);
  });

  it('a bad input prints one error and one fix line, exit 2', async () => {
    const res = await runFerry([
      'run',
      '--source-url',
      c.sourceUrl,
      '--dest-url',
      c.destUrl,
      '--source-index',
      'no-such-index',
      '--state-dir',
      await mkdtemp(join(tmpdir(), 'ferry-basics-')),
      '--quiet',
    ]);
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.equal(res.stderr.match(/^error: /gm)?.length, 1, res.stderr);
    assert.equal(res.stderr.match(/^fix: /gm)?.length, 1, res.stderr);
  });
});
