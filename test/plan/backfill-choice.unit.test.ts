// The engine pairs that cannot restore each other's snapshots fall back to the copy (auto) or are refused
// (--backfill snapshot) before any request: the choice needs only the engines both clusters reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterClient } from '../../src/cluster/client.js';
import type { EngineInfo } from '../../src/cluster/engine.js';
import { chooseBackfill } from '../../src/plan/backfill-choice.js';
import type { Plan } from '../../src/plan/options.js';

function side(distribution: 'elasticsearch' | 'opensearch', version: string): ClusterClient {
  const [major, minor] = version.split('.').map(Number);
  const engine = { distribution, version, major, minor } as unknown as EngineInfo;
  return { engine } as ClusterClient;
}

const plan = (backfill: Plan['backfill'], repositoryGiven = true) =>
  ({ backfill, repositoryGiven, repository: { name: 'r', location: undefined } }) as unknown as Plan;

describe('backfill choice without a usable snapshot', () => {
  it('Elasticsearch 8 to OpenSearch: auto copies and says why', async () => {
    const sides = { source: side('elasticsearch', '8.15.0'), dest: side('opensearch', '2.19.0') };
    const { choice, check } = await chooseBackfill(plan('auto'), sides);
    assert.equal(choice.method, 'copy');
    assert.match(choice.reason, /Elasticsearch 8\.15\.0 -> OpenSearch 2\.19\.0: the dest cannot restore/);
    assert.equal(check.ok, true);
  });

  it('newer to older: --backfill snapshot is refused', async () => {
    const sides = { source: side('opensearch', '2.19.0'), dest: side('opensearch', '2.11.0') };
    const { check } = await chooseBackfill(plan('snapshot'), sides);
    assert.equal(check.ok, false);
    assert.match(check.detail, /--backfill snapshot is not possible/);
  });

  it('no repository named: auto copies, --backfill copy copies', async () => {
    const sides = { source: side('opensearch', '2.19.0'), dest: side('opensearch', '2.19.0') };
    assert.match((await chooseBackfill(plan('auto', false), sides)).choice.reason, /no snapshot repository/);
    assert.equal((await chooseBackfill(plan('copy'), sides)).choice.method, 'copy');
  });
});
