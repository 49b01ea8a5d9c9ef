import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { parseCheckpoints } from '../../src/verify/checkpoints.js';
import { diffAnalysis, diffMappings } from '../../src/verify/definition-diff.js';

describe('diffMappings', () => {
  it('reports field type and analyzer changes, and fields on one side only', () => {
    const source = {
      properties: {
        n: { type: 'long' },
        t: { type: 'text', analyzer: 'english', fields: { raw: { type: 'keyword' } } },
        o: { properties: { a: { type: 'keyword' } } },
      },
    };
    const dest = {
      properties: {
        n: { type: 'keyword' },
        t: { type: 'text', fields: { raw: { type: 'keyword' } } },
        o: { properties: { a: { type: 'keyword' } } },
        extra: { type: 'long' },
      },
    };
    assert.deepEqual(diffMappings(source, dest), [
      { kind: 'mapping', path: 'extra', source: null, dest: { type: 'long' } },
      { kind: 'mapping', path: 'n.type', source: 'long', dest: 'keyword' },
      { kind: 'mapping', path: 't.analyzer', source: 'english', dest: null },
    ]);
    assert.deepEqual(diffMappings(source, source), []);
  });
});

describe('diffAnalysis', () => {
  it('compares only analysis settings', () => {
    const a = { 'index.analysis.analyzer.my.type': 'standard', 'index.number_of_shards': '1' };
    const b = { 'index.analysis.analyzer.my.type': 'simple', 'index.number_of_shards': '5' };
    assert.deepEqual(diffAnalysis(a, b), [
      { kind: 'setting', path: 'index.analysis.analyzer.my.type', source: 'standard', dest: 'simple' },
    ]);
  });
});

describe('parseCheckpoints', () => {
  it('reads a map and a list of shard stats', () => {
    assert.deepEqual(parseCheckpoints('{"0": 5, "2": 7}', 'f'), { 0: 5, 2: 7 });
    assert.deepEqual(parseCheckpoints('[{"shard": 1, "maxSeqNo": 9}]', 'f'), { 1: 9 });
  });
  it('refuses anything else with a ConfigError naming the fix', () => {
    for (const bad of ['nope', '{}', '{"a": 1}', '{"0": "x"}'])
      assert.throws(() => parseCheckpoints(bad, 'f'), ConfigError);
  });
});
