// Two-pass lifecycle commands on real clusters: abort never deletes the applications' writes without being told,
// an index name with "{{" is not a template, credentials come again on resume/abort and are never stored, and
// an aborted id can be run again or forgotten.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getPipeline } from '../../src/cluster/pipelines.js';
import { capabilities } from '../harness/capabilities.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { recordingProxy } from '../harness/recording-proxy.js';

const c: TestClusters = await testClusters();
const [sourceCan, destCan] = await Promise.all([capabilities(c.source), capabilities(c.dest)]);
const supported = sourceCan.ingest && destCan.reindex;
after(async () => {
  await c.close();
});

const SECRET = 'Tw0-pass:s3cret@x';

async function seed(index: string, docs: number): Promise<void> {
  await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  const lines = Array.from({ length: docs }, (_, i) => [
    JSON.stringify({ index: { _index: index, _id: `d${i}` } }),
    JSON.stringify({ n: `v${i}` }),
  ]).flat();
  const res = await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
  assert.equal(res.errors, false);
}

async function args(index: string, extra: string[] = []): Promise<{ args: string[]; stateDir: string }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ferry-tpl-'));
  return {
    stateDir,
    args: [
      '--strategy',
      'two-pass',
      '--dest-url',
      c.destUrl,
      '--source-index',
      index,
      '--repository',
      uniqueName('repo'),
      '--repository-location',
      join(c.repoDir, uniqueName('loc')),
      '--state-dir',
      stateDir,
      '--quiet',
      ...extra,
    ],
  };
}

async function write(index: string, id: string, body: unknown): Promise<string> {
  const res = await c.source.json<{ _index: string }>({
    method: 'PUT',
    path: `/${encodeURIComponent(index)}/_doc/${id}`,
    query: { refresh: true },
    body,
  });
  return res._index;
}

describe('two-pass abort after applications wrote during the move', () => {
  if (!supported) return;
  it('refuses to delete the delta index holding their writes; --keep-delta keeps it and says so', async () => {
    const index = uniqueName('tpl-abort');
    await seed(index, 20);
    const { args: a, stateDir } = await args(index, ['--source-url', c.sourceUrl]);
    const id = `${index}-to-${index}`;
    const run = await runFerry(['run', ...a]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await write(index, 'new1', { n: 'written during the move' }), `${index}-ferry-delta`);

    const refused = await runFerry(['abort', '--id', id, '--state-dir', stateDir]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /holds 1 document\(s\)[\s\S]*Nothing was changed[\s\S]*--keep-delta[\s\S]*--delete-delta/,
    );
    assert.equal(
      (await c.source.getIndexSettings(index))['index.default_pipeline'],
      `ferry-reroute-${index}`,
    );
    assert.equal(await c.dest.indexExists(index), true, 'a refused abort changes nothing');

    const kept = await runFerry(['abort', '--id', id, '--state-dir', stateDir, '--keep-delta']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /except .*-ferry-delta, kept on the source with the 1 document/);
    assert.doesNotMatch(kept.stdout, /the source is as it was/);
    assert.equal((await c.source.getIndexSettings(index))['index.default_pipeline'], undefined);
    assert.equal(await getPipeline(c.source, `ferry-reroute-${index}`), undefined);
    assert.equal(await c.dest.indexExists(index), false);
    const doc = await c.source.json<{ _source: { n: string } }>({
      method: 'GET',
      path: `/${index}-ferry-delta/_doc/new1`,
    });
    assert.equal(doc._source.n, 'written during the move', 'the write is still somewhere');
    await c.source.deleteIndex(`${index}-ferry-delta`);
  });
});

describe('two-pass on an index whose name holds "{{...}}"', () => {
  if (!supported) return;
  it('routes writes to the delta index by its name, never to a name made from a document field', async () => {
    const index = `${uniqueName('tpl')}-{{n}}`;
    await seed(index, 10);
    const { args: a } = await args(index, ['--source-url', c.sourceUrl]);
    const run = await runFerry(['run', ...a]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await write(index, 'late', { n: 'evil' }), `${index}-ferry-delta`);
    assert.equal(await c.source.indexExists(index.replace('{{n}}', 'evil')), false);
    const id = run.stdout.match(/ferry resume --id (\S+)/)?.[1];
    assert.ok(id, run.stdout);
    const rest = await runFerry([
      'resume',
      '--id',
      id,
      '--state-dir',
      a[a.indexOf('--state-dir') + 1]!,
      '--confirm-switch',
      '--quiet',
    ]);
    assert.equal(rest.code, 0, rest.stderr);
    await c.dest.refresh(index);
    assert.equal(await c.dest.count(index), 11);
    // The applications were switched to the dest: abort refuses to delete it unless told, changing nothing.
    const switched = await runFerry([
      'abort',
      '--id',
      id,
      '--state-dir',
      a[a.indexOf('--state-dir') + 1]!,
      '--delete-delta',
    ]);
    assert.equal(switched.code, 2, switched.stdout + switched.stderr);
    assert.match(
      switched.stderr,
      /applications were switched to .* on the dest \(.*\); deleting it would lose what they wrote there[\s\S]*--delete-dest/,
    );
    assert.equal(await c.dest.count(index), 11, 'a refused abort changed the dest');
    assert.equal(
      await c.source.indexExists(`${index}-ferry-delta`),
      true,
      'a refused abort changed the source',
    );
    const abort = await runFerry([
      'abort',
      '--id',
      id,
      '--state-dir',
      a[a.indexOf('--state-dir') + 1]!,
      '--delete-dest',
      '--delete-delta',
    ]);
    assert.equal(abort.code, 0, abort.stderr);
  });
});

describe('credentials of a saved migration', () => {
  if (!supported) return;
  it('are never stored, are asked for by name, and are sent again as given (URL at run, plan file at abort)', async () => {
    const index = uniqueName('tpl-cred');
    await seed(index, 5);
    const withUser = c.sourceUrl.replace('//', `//ferry:${encodeURIComponent(SECRET)}@`);
    const { args: a, stateDir } = await args(index, ['--source-url', withUser]);
    const id = `${index}-to-${index}`;
    const run = await runFerry(['run', ...a]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: the source URL \S+ carries credentials;[^\n]*FERRY_SOURCE_USERNAME/);
    const stateText = await readFile(join(stateDir, id, 'state.json'), 'utf8');
    for (const secret of [SECRET, encodeURIComponent(SECRET), '***'])
      assert.ok(!stateText.includes(secret), `state holds ${secret}`);

    const status = await runFerry(['status', '--id', id, '--state-dir', stateDir]);
    assert.equal(status.code, 0, 'status needs no credentials');
    const resume = await runFerry(['resume', '--id', id, '--state-dir', stateDir, '--quiet']);
    assert.equal(resume.code, 2, resume.stdout + resume.stderr);
    assert.match(
      resume.stderr,
      /source cluster was reached with a username and password[\s\S]*FERRY_SOURCE_USERNAME/,
    );

    // Abort through a recording proxy, the credentials in a plan file: what Ferry sends is what it was given.
    const proxy = await recordingProxy(c.sourceUrl);
    try {
      const planFile = join(stateDir, 'abort-plan.yml');
      await writeFile(
        planFile,
        `source:\n  url: ${proxy.url}\n  username: ferry\n  password: "${SECRET}"\ndest:\n  url: ${c.destUrl}\nsource_index: ${index}\n`,
      );
      const abort = await runFerry(['abort', '--id', id, '--state-dir', stateDir, '--plan', planFile]);
      assert.equal(abort.code, 0, abort.stderr);
      assert.ok(proxy.authorizations.length > 0, 'abort reached the source through the proxy');
      const expected = `Basic ${Buffer.from(`ferry:${SECRET}`).toString('base64')}`;
      assert.ok(
        proxy.authorizations.every((h) => h === expected),
        'every request carried the credentials',
      );
      for (const output of [run, status, resume, abort])
        assert.ok(!(output.stdout + output.stderr).includes(SECRET), 'a password appeared in the output');
    } finally {
      await proxy.close();
    }

    // The aborted id can be run again (the old run's folder is kept aside), then forgotten once aborted again.
    const again = await runFerry(['run', ...a]);
    assert.equal(again.code, 0, again.stderr);
    const kept = (await readdir(join(stateDir, '.archive'))).filter((f) => f.startsWith(`${id}.aborted-`));
    assert.equal(kept.length, 1, 'the aborted run folder is kept aside');
    const forgetRunning = await runFerry(['forget', '--id', id, '--state-dir', stateDir]);
    assert.equal(forgetRunning.code, 2);
    assert.match(forgetRunning.stderr, /waiting: its record is the only way to undo/);
    const list = await runFerry(['list', '--state-dir', stateDir]);
    assert.match(list.stdout, new RegExp(`${id}\\s+waiting\\s+two-pass\\s+switch_clients`));
    const abort2 = await runFerry(['abort', '--id', id, '--state-dir', stateDir, '--source-url', withUser]);
    assert.equal(abort2.code, 0, abort2.stderr);
    const forget = await runFerry(['forget', '--id', id, '--state-dir', stateDir]);
    assert.equal(forget.code, 0, forget.stderr);
    assert.match((await runFerry(['list', '--state-dir', stateDir])).stdout, /no migrations/);
  });
});
