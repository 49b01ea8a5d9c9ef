// The verify command as an operator runs it: exit codes, summary, report file, checkpoints, bad input.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runVerify } from '../../src/cli/commands/verify.js';
import { ConnectionError } from '../../src/cluster/errors.js';
import { ConfigError } from '../../src/core/errors.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { bulkOk, identicalPair } from './fixtures.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

function run(flags: Record<string, string | boolean>): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const base = { sourceUrl: c.sourceUrl, destUrl: c.destUrl, quiet: true, recheck: '1' };
  return runVerify({ ...base, ...flags }, {}, (l) => lines.push(l)).then((code) => ({
    code,
    output: lines.join('\n'),
  }));
}

describe('ferry verify command', () => {
  it('exits 0 on equal indices, 1 with a report once they differ, and carries --since checkpoints', async () => {
    const pair = await identicalPair(c, { docs: 50, shards: 2 });
    const checkpoint = join(tmpdir(), `${uniqueName('cp')}.json`);
    const out = join(tmpdir(), `${uniqueName('cli')}.ndjson`);
    const equal = await run({
      sourceIndex: pair.source,
      destIndex: pair.dest,
      out,
      saveCheckpoint: checkpoint,
    });
    assert.equal(equal.code, 0);
    assert.match(equal.output, /EQUAL/);
    assert.equal(await readFile(out, 'utf8'), '');

    await bulkOk(c.source, [{ index: { _index: pair.source, _id: 'late' } }, { n: 1 }]);
    const differs = await run({
      sourceIndex: pair.source,
      destIndex: pair.dest,
      out,
      since: checkpoint,
      json: true,
    });
    assert.equal(differs.code, 1);
    const result = JSON.parse(differs.output) as { counts: { missing: number }; sourceDocs: number };
    assert.equal(result.counts.missing, 1);
    assert.equal(result.sourceDocs, 1, 'only the document written after the checkpoint was checked');
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; class: string });
    assert.deepEqual(
      lines.map((l) => [l.id, l.class]),
      [['late', 'missing']],
    );
  });

  it('refuses bad input with an error naming the fix', async () => {
    await assert.rejects(
      run({ destIndex: 'x' }),
      (e: unknown) => e instanceof ConfigError && /--source-index/.test(e.hint),
    );
    await assert.rejects(
      run({ sourceIndex: uniqueName('absent') }),
      (e: unknown) => e instanceof ConfigError && /--source-index/.test(e.hint),
    );
    await assert.rejects(run({ sourceIndex: 'x', sample: '0' }), ConfigError);
    await assert.rejects(run({ sourceIndex: 'x', since: '/nonexistent/checkpoint.json' }), ConfigError);
    await assert.rejects(run({ sourceIndex: 'x', sourceUrl: 'http://127.0.0.1:1' }), ConnectionError);
  });
});
