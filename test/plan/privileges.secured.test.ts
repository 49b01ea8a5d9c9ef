// The live strategy's privileges on secured clusters: a user with exactly the least privileges passes preflight
// (and migrates: test/strategies/live.secured.test.ts), and a user lacking any one privilege preflight can probe
// is refused before anything changes, with the privilege named. Runs only on secured pairs (test/run.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LIVE_PRIVILEGES } from '../../src/cluster/privileges.js';
import { bedCertificates } from '../harness/certificates.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';
import {
  LIMITED_ROLE_NAME,
  LIMITED_USER,
  LIVE_ROLE,
  LIVE_SNAPSHOT_GRANTS,
  putRole,
  type RoleGrants,
  securedPasswords,
} from '../harness/secured-users.js';

// Roles are changed through the OpenSearch security plugin's REST API. The secured Elasticsearch bed has only file
// roles (secured-elasticsearch.ts); there the live privileges are shown by live.secured.test.ts's migration alone.
const ROLES_BY_API = process.env.FERRY_TEST_SOURCE_ENGINE?.startsWith('opensearch') === true;

let c: TestClusters;
let index: string;
let password: string;

before(async () => {
  c = await testClusters();
  password = (await securedPasswords())[LIMITED_USER] ?? '';
  index = uniqueName('sec-priv');
  await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await c.source.bulk(`${JSON.stringify({ index: { _index: index, _id: '1' } })}\n{"n":1}\n`, {
    refresh: 'true',
  });
});

after(async () => {
  if (ROLES_BY_API) await setLimitedRole(LIVE_ROLE);
  await c.close();
});

/** Each privilege preflight probes, and the grant of the live role that gives it. */
const WITHOUT: { privilege: string; cluster?: string[]; index?: string[] }[] = [
  { privilege: 'indices:admin/get', index: ['indices:admin/get'] },
  { privilege: 'indices:data/read/search', index: ['indices:data/read/search'] },
  { privilege: 'indices:admin/mappings/get', index: ['indices:admin/mappings/get'] },
  { privilege: 'indices:monitor/settings/get', index: ['indices:monitor/settings/get'] },
  { privilege: 'indices:monitor/stats', index: ['indices:monitor/stats'] },
  { privilege: 'indices:admin/refresh*', index: ['indices:admin/refresh*'] },
  { privilege: 'indices:data/read/mget*', index: ['indices:data/read/mget*'] },
  {
    privilege: 'indices:data/read/point_in_time/create + delete',
    index: ['indices:data/read/point_in_time/create'],
  },
  { privilege: 'indices:data/read/scroll + scroll/clear (cluster)', cluster: ['indices:data/read/scroll'] },
  { privilege: 'indices:admin/settings/update', index: ['indices:admin/settings/update'] },
  { privilege: 'indices:admin/create', index: ['indices:admin/create'] },
  { privilege: 'indices:data/write/index', index: ['indices:data/write/index'] },
  { privilege: 'indices:data/write/delete', index: ['indices:data/write/delete'] },
];

describe('live strategy privileges', () => {
  if (!ROLES_BY_API) return;
  it('every privilege preflight probes has a case here', () => {
    assert.deepEqual(
      WITHOUT.map((w) => w.privilege).sort(),
      [...new Set(LIVE_PRIVILEGES.map((p) => p.name))].sort(),
    );
  });

  it('the least-privilege role passes preflight', async () => {
    await setLimitedRole(LIVE_ROLE);
    const res = await runFerry(['plan', ...baseArgs(await tmp())], env());
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /\[ ok \] privileges: the users may read/);
  });

  for (const w of WITHOUT) {
    it(`without ${w.privilege}: refused before anything changes, the privilege named`, async () => {
      await setLimitedRole({
        cluster: LIVE_ROLE.cluster.filter((p) => !w.cluster?.includes(p)),
        index: LIVE_ROLE.index.filter((p) => !w.index?.includes(p)),
      });
      const stateDir = await tmp();
      const before = await fingerprints();
      const res = await runFerry(['run', ...baseArgs(stateDir), '--quiet'], env());
      const output = res.stdout + res.stderr;
      assert.equal(res.code, 2, output);
      assert.match(output, new RegExp(`user lacks ${literal(w.privilege)} on ${index} \\(needed by `));
      assert.match(output, /Nothing was changed/);
      assert.ok(!output.includes(password), 'the password appeared in the output');
      assert.deepEqual(await fingerprints(), before);
      assert.deepEqual(await readdir(stateDir), [], 'no state may be written for a run that never started');
    });
  }
});

describe('snapshot backfill privileges', () => {
  if (!ROLES_BY_API) return;
  const snapshotArgs = (stateDir: string) => [
    ...baseArgs(stateDir),
    '--repository',
    uniqueName('sec-repo'),
    '--repository-location',
    join(c.repoDir, uniqueName('loc')),
  ];

  it('the live role alone: --backfill snapshot refused with the privileges named, nothing changed; auto copies and says why', async () => {
    await setLimitedRole(LIVE_ROLE);
    const stateDir = await tmp();
    const before = await fingerprints();
    const run = await runFerry(
      ['run', ...snapshotArgs(stateDir), '--backfill', 'snapshot', '--quiet'],
      env(),
    );
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 2, output);
    assert.match(
      output,
      /--backfill snapshot is not possible: the source user lacks cluster:monitor\/nodes\/info \(needed by preflight/,
    );
    assert.match(output, /source user lacks cluster:admin\/repository\/get/);
    assert.match(output, /source user lacks cluster:admin\/snapshot\/create \(needed by snapshot_source\)/);
    assert.match(output, /dest user lacks indices:monitor\/recovery \(needed by restore_dest/);
    assert.match(output, /Nothing was changed/);
    assert.ok(!output.includes(password), 'the password appeared in the output');
    assert.deepEqual(await fingerprints(), before);
    assert.deepEqual(await readdir(stateDir), []);

    const plan = await runFerry(['plan', ...snapshotArgs(await tmp())], env());
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(
      plan.stdout,
      /backfill method: sliced copy: the source user lacks cluster:monitor\/nodes\/info/,
    );
  });

  it('with the snapshot grants: the probes pass and the plan backfills by snapshot/restore', async () => {
    await setLimitedRole({
      cluster: [...LIVE_ROLE.cluster, ...LIVE_SNAPSHOT_GRANTS.cluster],
      index: [...LIVE_ROLE.index, ...LIVE_SNAPSHOT_GRANTS.index],
    });
    const plan = await runFerry(['plan', ...snapshotArgs(await tmp()), '--backfill', 'snapshot'], env());
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /backfill method: snapshot\/restore through repository/);
  });
});

async function setLimitedRole(grants: RoleGrants): Promise<void> {
  await Promise.all([c.sourceUrl, c.destUrl].map((url) => putRole(url, LIMITED_ROLE_NAME, grants)));
}

function env(): Record<string, string> {
  const ca = bedCertificates().ca;
  return {
    FERRY_SOURCE_USERNAME: LIMITED_USER,
    FERRY_SOURCE_PASSWORD: password,
    FERRY_DEST_USERNAME: LIMITED_USER,
    FERRY_DEST_PASSWORD: password,
    FERRY_SOURCE_CA: ca,
    FERRY_DEST_CA: ca,
  };
}

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
  return mkdtemp(join(tmpdir(), 'ferry-priv-'));
}

function fingerprints() {
  return Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]);
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
