// Bad input is caught before anything changes: a clear error naming the fix, exit code 2, and both clusters
// (and the state folder) exactly as they were.
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { runFerry } from '../harness/ferry-cli.js';
import { clusterFingerprint } from '../harness/fingerprint.js';

let c: TestClusters;
let index: string;
before(async () => {
  c = await testClusters();
  index = uniqueName('bad');
  await c.source.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await c.source.bulk(
    `${JSON.stringify({ index: { _index: index, _id: '1' } })}\n${JSON.stringify({ n: 1 })}\n`,
    { refresh: 'true' },
  );
});
after(async () => {
  await c.close();
});

interface Case {
  name: string;
  args: (base: Record<string, string>) => Record<string, string>;
  /** What the message must say. */
  expect: RegExp;
  setup?: () => Promise<() => Promise<void>>;
}

const SECRET = 's3cr3t-Pa55';

const CASES: Case[] = [
  {
    name: 'unreachable URL (credentials in it stay secret)',
    args: (b) => ({ ...b, '--source-url': `http://ferry:${SECRET}@127.0.0.1:1` }),
    expect: /cannot reach http:\/\/127\.0\.0\.1:1[\s\S]*fix: Check the URL/,
  },
  {
    name: 'missing source index',
    args: (b) => ({ ...b, '--source-index': 'no-such-index' }),
    expect: /no-such-index not found[\s\S]*--source-index/,
  },
  {
    name: 'invalid index name',
    args: (b) => ({ ...b, '--dest-index': 'Upper Case' }),
    expect: /dest_index: index names are lower case/,
  },
  {
    name: 'dest index exists',
    args: (b) => b,
    expect: /already exists on[\s\S]*--dest-index/,
    setup: async () => {
      await c.dest.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      return () => c.dest.deleteIndex(index);
    },
  },
  {
    name: 'repository missing',
    args: ({ '--repository-location': _, ...rest }) => rest,
    expect: /not registered[\s\S]*--repository-location/,
  },
  {
    name: 'repository outside path.repo',
    args: (b) => ({ ...b, '--repository-location': '/tmp/not-in-path-repo' }),
    expect: /not under path\.repo[\s\S]*path\.repo/,
  },
  {
    name: 'source not in the remote allowlist',
    args: (b) => ({ ...b, '--source-url': c.sourceUrl.replace('127.0.0.1', 'localhost') }),
    expect: /reindex\.remote\.(allowlist|whitelist)[\s\S]*restart/,
  },
  {
    name: 'not enough disk under the high watermark',
    args: (b) => b,
    expect: /dest disk space[\s\S]*watermark/,
    setup: async () => {
      // The high watermark at 0.1% used: no node has room. Flood stage is left alone, so no block is ever put on
      // an index; the low watermark must not exceed the high one, so it moves too. Reset at once.
      const watermarks = (low: string | null, high: string | null) => ({
        transient: {
          // The reduced Elasticsearch 8/9 nodes start with the disk threshold off.
          'cluster.routing.allocation.disk.threshold_enabled': low === null ? null : true,
          'cluster.routing.allocation.disk.watermark.low': low,
          'cluster.routing.allocation.disk.watermark.high': high,
        },
      });
      await c.dest.json({ method: 'PUT', path: '/_cluster/settings', body: watermarks('0.1%', '0.1%') });
      return async () => {
        await c.dest.json({ method: 'PUT', path: '/_cluster/settings', body: watermarks(null, null) });
      };
    },
  },
];

describe('bad input changes nothing', () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'ferry-bad-'));
      const base: Record<string, string> = {
        '--strategy': 'two-pass',
        '--source-url': c.sourceUrl,
        '--dest-url': c.destUrl,
        '--source-index': index,
        '--repository': uniqueName('repo'),
        '--repository-location': join(c.repoDir, 'bad-input'),
        '--state-dir': stateDir,
      };
      const teardown = testCase.setup ? await testCase.setup() : async () => {};
      try {
        const before = await Promise.all([
          clusterFingerprint(c.source, index),
          clusterFingerprint(c.dest, index),
        ]);
        for (const command of ['plan', 'run']) {
          const args = Object.entries(testCase.args(base)).flat();
          const res = await runFerry([command, ...args, '--quiet']);
          const output = res.stdout + res.stderr;
          assert.equal(res.code, 2, `${command} should exit 2:\n${output}`);
          assert.match(output, testCase.expect);
          assert.ok(!output.includes(SECRET), 'a password appeared in the output');
        }
        const afterRun = await Promise.all([
          clusterFingerprint(c.source, index),
          clusterFingerprint(c.dest, index),
        ]);
        assert.deepEqual(afterRun, before);
        assert.deepEqual(await readdir(stateDir), [], 'no state may be written for a run that never started');
      } finally {
        await teardown();
      }
    });
  }
});
