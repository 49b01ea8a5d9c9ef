// Bad input is caught before anything changes: a clear error naming the fix, exit code 2, and both clusters
// (and the state folder) exactly as they were.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { setDiskWatermark } from '../harness/faults.js';
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
  /** What it must not say (a wrong fix). */
  refute?: RegExp;
  setup?: () => Promise<() => Promise<void>>;
}

const SECRET = 's3cr3t-Pa55';

/** A web server that is not a search cluster: the "wrong server" case, on loopback. */
let wrongServer = '';
function startWrongServer(status: number, type: string, body: string): () => Promise<() => Promise<void>> {
  return async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    wrongServer = `http://ferry:${SECRET}@127.0.0.1:${(server.address() as AddressInfo).port}`;
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

let brokenPlan = '';

/** Sets or lifts `cluster.blocks.read_only` (updating that setting itself is allowed while it is set). */
async function setReadOnlyBlock(client: TestClusters['dest'], on: true | null): Promise<void> {
  await client.json({
    method: 'PUT',
    path: '/_cluster/settings',
    body: { persistent: { 'cluster.blocks.read_only': on } },
    what: `${on ? 'set' : 'lift'} the cluster read-only block`,
  });
}

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
    expect: /dest_index: index name "Upper Case" must be lower case/,
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
      // an index; the low watermark must not exceed the high one, so it moves too.
      await c.dest.json({
        method: 'PUT',
        path: '/_cluster/settings',
        body: {
          transient: {
            // The reduced Elasticsearch 8/9 nodes start with the disk threshold off.
            'cluster.routing.allocation.disk.threshold_enabled': true,
            'cluster.routing.allocation.disk.watermark.low': '0.1%',
            'cluster.routing.allocation.disk.watermark.high': '0.1%',
          },
        },
      });
      // If the disk monitor passes in that moment, OpenSearch puts cluster.blocks.create_index on the dest (every
      // node over the high watermark) and keeps it until a later pass: the next test could not create its index
      // (seen in CI). The harness's reset lifts that block and waits until it stays lifted.
      return () => setDiskWatermark(c.dest, null);
    },
  },
  ...(['two-pass', 'live'] as const).map(
    (strategy): Case => ({
      // Not the create-index block OpenSearch's disk monitor sets (it lifts that one on its own, at a moment no
      // test controls): cluster.blocks.read_only is only ever set and lifted by hand, on every engine.
      name: `a cluster-wide read-only block on the dest (${strategy})`,
      args: (b) => ({ ...b, '--strategy': strategy }),
      expect:
        /dest accepts new indices and writes: .* has cluster\.blocks\.read_only \(refuses every write and index creation\)[\s\S]*fix: Lift it: PUT _cluster\/settings \{"persistent":\{"cluster\.blocks\.read_only":null\}\}/,
      // A block's 403 is not a missing privilege.
      refute: /user lacks/,
      setup: async () => {
        await setReadOnlyBlock(c.dest, true);
        return () => setReadOnlyBlock(c.dest, null);
      },
    }),
  ),
  {
    name: 'a web server that is not a search cluster',
    args: (b) => ({ ...b, '--source-url': wrongServer }),
    expect:
      /127\.0\.0\.1:\d+ is not an Elasticsearch or OpenSearch cluster[\s\S]*fix: Check the URL's host and port/,
    refute: /TypeError|--ca\b|index name|Check the index/,
    setup: startWrongServer(200, 'text/html', '<html><body>It works!</body></html>'),
  },
  {
    name: 'a server answering 404 to everything is not blamed on an index name',
    args: (b) => ({ ...b, '--dest-url': wrongServer }),
    expect: /is not an Elasticsearch or OpenSearch cluster \(GET \/ and GET \/_nodes|HTTP 404/,
    refute: /Check the index|--ca\b/,
    setup: startWrongServer(404, 'application/json', '{"error":"not found"}'),
  },
  {
    name: 'same cluster as source and dest (127.0.0.1 vs localhost), same index name',
    args: (b) => ({ ...b, '--dest-url': c.sourceUrl.replace('127.0.0.1', 'localhost') }),
    expect: /source and dest are the same index[\s\S]*another --dest-index/,
    refute: /delete the existing/,
  },
  {
    name: 'a plan file that is not valid YAML',
    args: (b) => ({ '--plan': brokenPlan, '--state-dir': b['--state-dir']! }),
    expect: /is not valid YAML \(line \d+, column \d+\)/,
    setup: async () => {
      brokenPlan = join(await mkdtemp(join(tmpdir(), 'ferry-yaml-')), 'plan.yml');
      await writeFile(brokenPlan, `source:\n  url: http://x:9200\n  password: "${SECRET}\n dest: [\n`);
      return async () => {};
    },
  },
  {
    name: 'a 250-character index name makes too long an id',
    args: (b) => ({ ...b, '--dest-index': 'a'.repeat(250) }),
    expect: /limit is 200[\s\S]*--id/,
  },
  {
    name: 'an index name the servers refuse',
    args: (b) => ({ ...b, '--dest-index': 'a#b' }),
    expect: /dest_index: index name "a#b" cannot contain "#"/,
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
          if (testCase.refute) assert.doesNotMatch(output, testCase.refute);
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
