// The dest index's settings as planned from the source's: what is kept, what is dropped and why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDestSettings } from '../../src/plan/dest-index.js';

describe('planDestSettings', () => {
  it('keeps shards and analysis, drops server-owned and cluster-bound settings with a reason', () => {
    const { settings, changes } = planDestSettings({
      'index.number_of_shards': '3',
      'index.analysis.analyzer.x.type': 'custom',
      'index.uuid': 'u',
      'index.creation_date': '1',
      'index.version.created': '7100299',
      'index.provided_name': 'p',
      'index.routing.allocation.include._name': 'node-1',
      'index.default_pipeline': 'pipe',
    });
    assert.deepEqual(settings, { 'index.number_of_shards': '3', 'index.analysis.analyzer.x.type': 'custom' });
    assert.equal(changes.length, 6);
    assert.ok(changes.every((c) => c.to === undefined && c.why.length > 0));
  });
});
