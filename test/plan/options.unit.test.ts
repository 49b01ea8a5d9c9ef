// The migration plan: YAML file, FERRY_* variables and flags merge in that order, and every invalid field is
// named in the error, with no secret in it.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { loadPlan, publicPlan } from '../../src/plan/options.js';

async function planFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'ferry-plan-')), 'plan.yml');
  await writeFile(file, text);
  return file;
}

describe('loadPlan', () => {
  it('reads a YAML plan, lets variables and flags override it, and derives the defaults', async () => {
    const file = await planFile(
      'strategy: two-pass\nsource:\n  url: http://old:9200\n  username: admin\ndest:\n  url: http://new:9200\nsource_index: orders\nrepository:\n  name: shared\n',
    );
    const plan = loadPlan(
      { plan: file, destIndex: 'orders-v2' },
      { FERRY_SOURCE_PASSWORD: 'pw', FERRY_DEST_URL: 'http://newer:9200' },
    );
    assert.equal(plan.strategy, 'two-pass');
    assert.equal(plan.source.username, 'admin');
    assert.equal(plan.source.password, 'pw');
    assert.equal(plan.dest.url, 'http://newer:9200');
    assert.equal(plan.destIndex, 'orders-v2');
    assert.equal(plan.id, 'orders-to-orders-v2');
    assert.equal(plan.deltaIndex, 'orders-ferry-delta');
    assert.equal(plan.repository.name, 'shared');
    assert.equal(plan.quietSeconds, 10);
  });

  it('names every invalid field, and keeps secrets out of the message and the public plan', async () => {
    const file = await planFile(
      'source:\n  url: not a url\n  password: hunter2\ndest:\n  url: http://new:9200\nsource_index: Orders\nquiet_seconds: -1\nsurprise: 1\n',
    );
    let error: unknown;
    try {
      loadPlan({ plan: file }, {});
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const message = `${error.message} ${error.hint}`;
    for (const field of ['source.url', 'source_index', 'quiet_seconds', 'surprise'])
      assert.match(message, new RegExp(field.replace('.', '\\.')));
    assert.ok(!message.includes('hunter2'));
    const plan = loadPlan(
      { sourceUrl: 'http://user:hunter2@old:9200', destUrl: 'http://new:9200', sourceIndex: 'orders' },
      {},
    );
    assert.ok(!JSON.stringify(publicPlan(plan)).includes('hunter2'));
  });

  it('names a key written twice and its line, not an indentation problem; the value is not shown', async () => {
    const file = await planFile(
      'source:\n  url: http://old:9200\n  password: hunter2\nsource_index: orders\nsource_index: other\n',
    );
    let error: unknown;
    try {
      loadPlan({ plan: file }, {});
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, `${file} line 5: key \`source_index\` appears twice.`);
    assert.match(error.hint, /Keep one `source_index:`/);
    assert.doesNotMatch(`${error.message} ${error.hint}`, /indentation|hunter2|other/);
  });

  it('names a nested key written twice', async () => {
    const file = await planFile('source:\n  url: http://old:9200\n  "url": http://new:9200\n');
    assert.throws(() => loadPlan({ plan: file }, {}), /line 3: key `url` appears twice/);
  });

  it('refuses a plan file that is not a mapping', async () => {
    const file = await planFile('- just\n- a list\n');
    assert.throws(() => loadPlan({ plan: file }, {}), /not a YAML mapping/);
  });
});
