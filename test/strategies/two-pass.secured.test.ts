// The two-pass strategy between secured clusters (TLS from the bed's private CA, basic auth): a whole migration
// under the seeded workload as the user with exactly the two-pass role, the loss audit, and then every artifact
// searched for the password (outputs, state folder, a hook's environment, both nodes' logs, the dest's record of
// the reindex task, and the process list sampled while `ferry run` ran). A role without any one privilege that
// preflight probes is refused before anything changes, with the privilege named. Runs only on secured pairs.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportToJson } from '../../src/audit/record-json.js';
import { ClusterClient } from '../../src/cluster/client.js';
import { grantedOn, missingPrivileges } from '../../src/cluster/privileges.js';
import { TWO_PASS_PRIVILEGES } from '../../src/cluster/two-pass-privileges.js';
import { formatLossAudit, type LossAudit } from '../../src/report/loss-audit.js';
import { loadInitial, startWorkload } from '../../tools/workload/index.js';
import { bedCertificates, CLIENT_CERT_USER } from '../harness/certificates.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry, startFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';
import { ferryOn, newMigration } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';
import { filesUnder, fileTexts, sampleProcessList, secretForms, secretsFound } from '../harness/secrets.js';
import {
  LIMITED_ROLE_NAME,
  LIMITED_USER,
  LIVE_ROLE,
  mapRole,
  putRole,
  type RoleGrants,
  securedPasswords,
  TWO_PASS_ROLE,
  TWO_PASS_ROLE_NAME,
  TWO_PASS_USER,
} from '../harness/secured-users.js';

// Two-pass needs ingest pipelines and reindex (the secured Elasticsearch 8 bed has neither: its preflight refuses
// it, as two-pass.test.ts shows on plain Elasticsearch 8/9), and its roles are changed through the OpenSearch
// security plugin's REST API.
const ON_OPENSEARCH = process.env.FERRY_TEST_SOURCE_ENGINE?.startsWith('opensearch') === true;

let c: TestClusters;
let passwords: Record<string, string>;

before(async () => {
  c = await testClusters();
  passwords = await securedPasswords();
});
after(async () => {
  if (ON_OPENSEARCH) await setLimitedRole(LIVE_ROLE);
  await c.close();
});

function env(user: string): Record<string, string> {
  const ca = bedCertificates().ca;
  const password = passwords[user] ?? '';
  return {
    FERRY_SOURCE_USERNAME: user,
    FERRY_SOURCE_PASSWORD: password,
    FERRY_DEST_USERNAME: user,
    FERRY_DEST_PASSWORD: password,
    FERRY_SOURCE_CA: ca,
    FERRY_DEST_CA: ca,
  };
}

describe('two-pass between secured clusters', () => {
  if (!ON_OPENSEARCH) return;
  it('migrates under load as the least-privilege user; no artifact or process line holds the password', async (t) => {
    const index = uniqueName('sec-tp');
    const password = passwords[TWO_PASS_USER] ?? '';
    const initial = await loadInitial(c.source, index, 300, 11, { shards: 2 });
    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 11,
      rate: 40,
      initial,
    });
    const hookEnv = join(await mkdtemp(join(tmpdir(), 'ferry-hook-')), 'env.txt');
    const m = await newMigration(c, index, {
      strategy: 'two-pass',
      repository: true,
      // A hook that lives a second (so the process list sees it) and keeps the environment it was given.
      extraArgs: ['--accept-count-drift', '--hook', `start=env > ${hookEnv}; sleep 1`],
    });
    const ferryEnv = env(TWO_PASS_USER);
    let first: Awaited<ReturnType<typeof runFerry>>;
    let second: Awaited<ReturnType<typeof runFerry>>;
    let processLines: Set<string>;
    try {
      await sleep(1500);
      const run = startFerry(['run', ...m.runArgs], ferryEnv);
      processLines = await sampleProcessList(run.done);
      first = await run.done;
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /--confirm-switch/);
      // Applications keep writing to the source after the snapshot: this is where the method loses writes.
      await sleep(4000);
      await workload.whilePaused(async () => workload.switchTo(c.dest, index));
      second = await ferryOn(m, 'resume', ['--confirm-switch', '--accept-count-drift'], ferryEnv);
      // The counts differ under load, so delete_index keeps the source: the guard, as on plain clusters.
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(second.stderr, /source is not deleted/);
      await sleep(1000);
    } finally {
      await workload.stop();
    }
    const state = await readState(m.stateDir, m.id);
    for (const step of ['snaps', 'reindex_data', 'second_pass_verification'])
      assert.equal(state?.steps[step]?.status, 'done', `${step} as the least-privilege user`);

    const report = await workload.stop();
    const reportFile = join(m.stateDir, 'workload.json');
    await writeFile(reportFile, JSON.stringify(reportToJson(report)));
    const audited = await ferryOn(m, 'audit', ['--workload-report', reportFile, '--json'], ferryEnv);
    const audit = JSON.parse(audited.stdout) as LossAudit;
    const bad = audit.rows.reduce((n, r) => n + r.lost + r.resurrected + r.stale, 0);
    assert.equal(audited.code, bad > 0 ? 1 : 0, audited.stderr);
    assert.match(audited.stderr, /^audit: /m);
    t.diagnostic(`loss audit between secured clusters:\n${formatLossAudit(audit).join('\n')}`);
    const sum = audit.rows.reduce((n, r) => n + r.kept + r.lost + r.resurrected + r.stale, 0);
    assert.equal(sum, audit.checked, 'every checked document is in exactly one audit cell');
    const creates = audit.rows.find((r) => r.type === 'create');
    assert.equal((creates?.lost ?? 0) + (creates?.stale ?? 0), 0, 'documents created through the pipeline');
    const reindexed = state?.steps.reindex_data?.data.result as { created?: number; updated?: number };
    assert.ok(
      (reindexed.created ?? 0) + (reindexed.updated ?? 0) > 0,
      'the reindex over TLS carried the delta',
    );

    // The secret search.
    const reportOut = await ferryOn(m, 'report');
    const statusOut = await ferryOn(m, 'status');
    const taskId = state?.steps.reindex_data?.data.taskId as string;
    const task = await c.dest.request({ method: 'GET', path: `/_tasks/${encodeURIComponent(taskId)}` });
    const texts: [string, string][] = [
      ['ferry run output', first.stdout + first.stderr],
      ['ferry resume output', second.stdout + second.stderr],
      ['ferry audit output', audited.stdout + audited.stderr],
      ['ferry report', reportOut.stdout + reportOut.stderr],
      ['ferry status', statusOut.stdout + statusOut.stderr],
      ['the dest task record of the reindex', JSON.stringify(task.body)],
      ['the process list while ferry run ran', [...processLines].join('\n')],
    ];
    const stateFiles = await filesUnder(m.stateDir);
    assert.ok(stateFiles.some((f) => f.endsWith('state.json')));
    const bedRoot = dirname(c.repoDir);
    const nodeLogs = (
      await Promise.all(['source', 'dest'].map((side) => filesUnder(join(bedRoot, side, 'node_1', 'logs'))))
    ).flat();
    assert.ok(nodeLogs.length >= 2, `node logs under ${bedRoot}`);
    texts.push(...(await fileTexts([...stateFiles, hookEnv, ...nodeLogs])));
    const hookText = await readFile(hookEnv, 'utf8');
    assert.match(hookText, /FERRY_EVENT=start/, 'the hook ran with its facts');
    assert.ok(!/FERRY_(SOURCE|DEST)_(PASSWORD|USERNAME|CA)=/.test(hookText), 'credentials passed to a hook');
    assert.ok(
      [...processLines].some((l) => l.includes('dev.ts') && l.includes(' run ')) &&
        [...processLines].some((l) => l.includes('sleep 1')),
      'the sampler saw ferry run and its hook',
    );
    const secrets = secretForms(TWO_PASS_USER, password);
    assert.ok(password.length >= 16, 'the password searched for must be a real one');
    assert.deepEqual(secretsFound(texts, secrets), []);
    t.diagnostic(
      `searched ${texts.length} artifacts (${stateFiles.length} state files, ${nodeLogs.length} node logs, ${processLines.size} process lines) for ${secrets.length} secret forms`,
    );
  });

  it('refuses a source reached by client certificate only, before anything changes', async () => {
    const index = await smallIndex();
    const certs = bedCertificates();
    const m = await newMigration(c, index, { strategy: 'two-pass', repository: true });
    const before = await fingerprints(index);
    // The certificate's user gets the two-pass role for this case, so that only the reindex's need is missing.
    const mapTwoPass = (users: string[]) =>
      Promise.all([c.sourceUrl, c.destUrl].map((url) => mapRole(url, TWO_PASS_ROLE_NAME, users)));
    await mapTwoPass([TWO_PASS_USER, CLIENT_CERT_USER]);
    try {
      const res = await runFerry(['run', ...m.runArgs], {
        ...env(TWO_PASS_USER),
        FERRY_SOURCE_USERNAME: undefined,
        FERRY_SOURCE_PASSWORD: undefined,
        FERRY_SOURCE_CERT: certs.clientCert,
        FERRY_SOURCE_KEY: certs.clientKey,
      });
      const output = res.stdout + res.stderr;
      assert.equal(res.code, 2, output);
      assert.match(
        output,
        /\[FAIL\] source credentials usable by reindex-from-remote: the source is reached with a client certificate only/,
      );
      assert.match(output, /FERRY_SOURCE_USERNAME\/FERRY_SOURCE_PASSWORD/);
      assert.deepEqual(await fingerprints(index), before);
      assert.deepEqual(await readdir(m.stateDir), []);
    } finally {
      await mapTwoPass([TWO_PASS_USER]);
    }
  });
});

/** Each privilege preflight probes, and the grant of the two-pass role that gives it. */
function grantOf(name: string): RoleGrants {
  if (name.startsWith('indices:data/read/scroll '))
    return { cluster: ['indices:data/read/scroll'], index: [] };
  return TWO_PASS_ROLE.cluster.includes(name)
    ? { cluster: [name], index: [] }
    : { cluster: [], index: [name] };
}

const PROBED = [...new Set(TWO_PASS_PRIVILEGES.map((p) => p.name))];

describe('two-pass privileges', () => {
  if (!ON_OPENSEARCH) return;
  it('every privilege preflight probes is a grant of the two-pass role', () => {
    for (const name of PROBED) {
      const grant = grantOf(name);
      assert.ok(
        [...grant.cluster, ...grant.index].every(
          (g) => TWO_PASS_ROLE.cluster.includes(g) || TWO_PASS_ROLE.index.includes(g),
        ),
        name,
      );
    }
  });

  it('the two-pass role passes preflight', async () => {
    await setLimitedRole(TWO_PASS_ROLE);
    const index = await smallIndex();
    const m = await newMigration(c, index, { strategy: 'two-pass', repository: true });
    const res = await runFerry(['plan', ...m.runArgs], env(LIMITED_USER));
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /\[ ok \] privileges: the users may reroute/);
  });

  // Every probed privilege in-process (the probes alone, exactly that privilege missing and nothing else), and
  // a few through `ferry run` (exit 2, nothing changed, no state): one of each kind of grant.
  for (const name of PROBED) {
    it(`without ${name}: the probes find exactly it missing`, async () => {
      await setLimitedRole(withoutGrant(name));
      const index = await smallIndex();
      const [source, dest] = await Promise.all(
        [c.sourceUrl, c.destUrl].map((url) =>
          ClusterClient.connect({
            url,
            caFile: bedCertificates().ca,
            username: LIMITED_USER,
            password: passwords[LIMITED_USER],
          }),
        ),
      );
      try {
        const indices = { source: index, dest: index, delta: `${index}-ferry-delta` };
        const missing = await missingPrivileges(
          { source: source!, dest: dest! },
          indices,
          TWO_PASS_PRIVILEGES,
        );
        assert.deepEqual(
          missing.map((m) => `${m.privilege.side} ${m.privilege.name} ${grantedOn(m.privilege, indices)}`),
          TWO_PASS_PRIVILEGES.filter((p) => p.name === name).map(
            (p) => `${p.side} ${p.name} ${grantedOn(p, indices)}`,
          ),
        );
        for (const m of missing) assert.match(m.reason, /no permissions for \[/);
      } finally {
        await Promise.all([source?.close(), dest?.close()]);
      }
    });
  }

  const THROUGH_THE_CLI = [
    'cluster:admin/snapshot/create',
    'indices:data/write/reindex',
    'indices:admin/create',
  ];
  for (const name of THROUGH_THE_CLI) {
    it(`without ${name}: ferry run refuses before anything changes, the privilege named`, async () => {
      await setLimitedRole(withoutGrant(name));
      const index = await smallIndex();
      const m = await newMigration(c, index, { strategy: 'two-pass', repository: true });
      const before = await fingerprints(index);
      const res = await runFerry(['run', ...m.runArgs], env(LIMITED_USER));
      const output = res.stdout + res.stderr;
      assert.equal(res.code, 2, output);
      const indices = { source: index, dest: index, delta: `${index}-ferry-delta` };
      for (const p of TWO_PASS_PRIVILEGES.filter((q) => q.name === name))
        assert.ok(
          output.includes(`${p.side} user lacks ${p.name} ${grantedOn(p, indices)} (needed by `),
          `${p.side} ${p.name} not named in:\n${output}`,
        );
      assert.match(output, new RegExp(`fix: Grant ${literal(name)} to the role of the user`));
      assert.match(output, /Nothing was changed/);
      assert.ok(!output.includes(passwords[LIMITED_USER] ?? '-'), 'the password appeared in the output');
      assert.deepEqual(await fingerprints(index), before);
      assert.deepEqual(await readdir(m.stateDir), [], 'no state may be written for a run that never started');
    });
  }
});

function withoutGrant(name: string): RoleGrants {
  const grant = grantOf(name);
  return {
    cluster: TWO_PASS_ROLE.cluster.filter((p) => !grant.cluster.includes(p)),
    index: TWO_PASS_ROLE.index.filter((p) => !grant.index.includes(p)),
  };
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

let shared: string | undefined;
/** One small source index for the refusal cases (none of them changes it). */
async function smallIndex(): Promise<string> {
  if (shared) return shared;
  shared = uniqueName('sec-tp-priv');
  await c.source.createIndex(shared, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await c.source.bulk(`${JSON.stringify({ index: { _index: shared, _id: '1' } })}\n{"n":1}\n`, {
    refresh: 'true',
  });
  return shared;
}

async function setLimitedRole(grants: RoleGrants): Promise<void> {
  await Promise.all([c.sourceUrl, c.destUrl].map((url) => putRole(url, LIMITED_ROLE_NAME, grants)));
}

function fingerprints(index: string) {
  return Promise.all([clusterFingerprint(c.source, index), clusterFingerprint(c.dest, index)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
