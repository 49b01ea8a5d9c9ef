// Index names and migration ids follow the servers' and the file system's rules, so `plan` refuses what `run`
// would fail on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { literalTemplateValue } from '../../src/cluster/pipelines.js';
import { ConfigError } from '../../src/core/errors.js';
import { defaultMigrationId, indexNameProblem, migrationIdProblem } from '../../src/plan/names.js';
import { loadPlan } from '../../src/plan/options.js';

const base = { sourceUrl: 'http://old:9200', destUrl: 'http://new:9200' };

describe('index names', () => {
  it('accepts what the servers accept', () => {
    for (const name of ['orders', 'logs-2024.01', '.hidden', 'a{{b}}', 'é-index', 'x'.repeat(255)])
      assert.equal(indexNameProblem(name), undefined, name);
  });
  it('refuses what the servers refuse, saying why', () => {
    const cases: [string, RegExp][] = [
      ['Orders', /lower case/],
      ['a b', /spaces/],
      ['a,b', /","/],
      ['a#b', /"#"/],
      ['a:b', /":"/],
      ['a\\b', /"\\"/],
      ['a/b', /"\/"/],
      ['a*', /"\*"/],
      ['a?', /"\?"/],
      ['a"b', /"""/],
      ['a<b', /"<"/],
      ['a>b', /">"/],
      ['a|b', /"\|"/],
      ['-a', /cannot start/],
      ['_a', /cannot start/],
      ['+a', /cannot start/],
      ['.', /"\." or "\.\."/],
      ['..', /"\." or "\.\."/],
      ['', /empty/],
      ['x'.repeat(256), /256 bytes/],
      ['é'.repeat(128), /256 bytes/],
    ];
    for (const [name, why] of cases) assert.match(indexNameProblem(name) ?? 'accepted', why, name);
  });
  it('are checked by loadPlan with the field named', () => {
    assert.throws(
      () => loadPlan({ ...base, sourceIndex: 'a#b' }, {}),
      (e: unknown) =>
        e instanceof ConfigError && /source_index: index name "a#b" cannot contain "#"/.test(e.message),
    );
  });
});

describe('migration ids', () => {
  it('must name a folder: safe characters, at most 200 bytes', () => {
    assert.equal(migrationIdProblem('orders-to-orders'), undefined);
    assert.match(migrationIdProblem('../etc') ?? '', /only letters/);
    assert.match(migrationIdProblem('x'.repeat(201)) ?? '', /201 characters/);
  });
  it('a long derived id is refused at plan time, naming --id', () => {
    const long = 'a'.repeat(250);
    assert.throws(
      () => loadPlan({ ...base, sourceIndex: long }, {}),
      (e: unknown) => e instanceof ConfigError && /--id/.test(e.hint) && /limit is 200/.test(e.message),
    );
    const plan = loadPlan({ ...base, sourceIndex: long, id: 'short', deltaIndex: 'delta' }, {});
    assert.equal(plan.id, 'short');
  });
  it('a derived delta index name over the limit is refused, naming --delta-index', () => {
    assert.throws(
      () => loadPlan({ ...base, sourceIndex: 'a'.repeat(250), id: 'short' }, {}),
      (e: unknown) => e instanceof ConfigError && /--delta-index/.test(e.hint),
    );
  });
  it('derives from index names with characters an id cannot hold', () => {
    assert.equal(defaultMigrationId('a{{b}}', 'a{{b}}'), 'a__b__-to-a__b__');
    assert.equal(migrationIdProblem(defaultMigrationId('.hidden', 'x')), undefined);
  });
});

describe('pipeline values', () => {
  it('switch mustache delimiters only when the text has "{{"', () => {
    assert.equal(literalTemplateValue('orders-ferry-delta'), 'orders-ferry-delta');
    assert.equal(literalTemplateValue('a{{b}}'), '{{=<% %>=}}a{{b}}');
  });
});
