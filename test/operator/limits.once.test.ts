// Operator limits on real clusters: a --max-docs-per-second ceiling holds during the backfill, `ferry set`
// from another shell changes it while it runs (the rate of documents landing on the dest follows, measured
// over a window and asserted loosely: behaviour, not a benchmark), a postponed switch waits until lifted,
// every change is recorded in the state, and the dest ends equal to the source.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ControlsRecord } from '../../src/operator/runtime-controls.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { ferryOn, newMigration, startOn, startRun } from '../harness/migration.js';
import { readState, waitForState } from '../harness/migration-state.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 5000;
const WINDOW_MS = 3000;

/** Documents landed on the dest per second over a window. */
async function destRate(index: string): Promise<number> {
  const count = async () => {
    await c.dest.refresh(index);
    return c.dest.count(index);
  };
  const [from, t0] = [await count(), Date.now()];
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const [to, t1] = [await count(), Date.now()];
  return ((to - from) * 1000) / (t1 - t0);
}

describe('operator limits', () => {
  it('a docs-per-second limit holds, changes at runtime, and a postponed switch waits', async (t) => {
    const index = uniqueName('limits');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const lines: string[] = [];
    for (let i = 0; i < DOCS; i++)
      lines.push(JSON.stringify({ index: { _index: index, _id: `l${i}` } }), JSON.stringify({ n: i }));
    await c.source.bulk(`${lines.join('\n')}\n`, { refresh: 'true' });
    const m = await newMigration(c, index, { extraArgs: ['--max-docs-per-second', '100'] });
    const run = startRun(m);
    // A failed assertion must not leave the migration running (it would wait for a switch for ever).
    t.after(() => {
      try {
        process.kill(run.pid, 'SIGKILL');
      } catch {
        // It ended.
      }
    });
    await waitForState(m.stateDir, m.id, (s) => s.steps.backfill?.status === 'running');
    await new Promise((r) => setTimeout(r, 1000));
    const slow = await destRate(index);
    assert.ok(slow >= 40 && slow <= 170, `at 100 docs/s, ${slow.toFixed(0)} docs/s landed`);

    const raised = await ferryOn(m, 'set', ['--max-docs-per-second', '400', '--postpone-switch']);
    assert.equal(raised.code, 0, raised.stderr);
    assert.match(raised.stdout, /applied/);
    const faster = await destRate(index);
    assert.ok(
      faster >= 2 * slow && faster <= 560,
      `raised to 400 docs/s: ${faster.toFixed(0)} docs/s landed (was ${slow.toFixed(0)})`,
    );
    t.diagnostic(
      `dest docs/s over ${WINDOW_MS} ms: ${slow.toFixed(0)} at limit 100, ${faster.toFixed(0)} at 400`,
    );
    const lifted = await ferryOn(m, 'set', ['--max-docs-per-second', '0']);
    assert.equal(lifted.code, 0, lifted.stderr);
    await waitForState(m.stateDir, m.id, (s) => typeof s.results.readyAt === 'string');

    // Postponed: the switch is asked for but not taken.
    const early = await ferryOn(m, 'switch', ['--timeout', '3']);
    assert.equal(early.code, 1, early.stdout);
    assert.equal((await readState(m.stateDir, m.id))!.results.switchAcknowledgedAt, undefined);
    const switching = startOn(m, 'switch');
    const go = await ferryOn(m, 'set', ['--no-postpone-switch']);
    assert.equal(go.code, 0, go.stderr);
    assert.equal((await switching.done).code, 0);
    const end = await run.done;
    assert.equal(end.code, 0, end.stderr);
    assertSameDocuments(await allDocs(c.dest, index), await allDocs(c.source, index), 'dest after limits');

    const controls = (await readState(m.stateDir, m.id))!.results.controls as ControlsRecord;
    assert.deepEqual(
      controls.changes.map((ch) => `${ch.key}:${String(ch.from)}->${String(ch.to)}`),
      [
        'maxDocsPerSecond:100->400',
        'postponeSwitch:null->true',
        'maxDocsPerSecond:400->null',
        'postponeSwitch:true->false',
      ],
    );
    assert.deepEqual(controls.current, { postponeSwitch: false });
  });
});
