// The fault acceptance list of a live migration, on the multi-node bed (a 3-node source, a 2-node dest, one
// replica) with the application writing throughout: a source primary's node killed mid-backfill; a source replica
// frozen 10 s and a source primary relocated mid-capture; a dest node restarted with a one-slot write pool mid-copy
// (a 429 storm), the dest's disk watermarks reached mid-copy and released. Each scenario asserts the dest equals
// the oracle (or the source, where a failover made the source itself differ from what the client saw), that
// Ferry's verdict agrees, and that a run that stopped said why and resumed to the end. The killed primary mid-
// capture is test/strategies/live-failover.multinode.test.ts. Runs only on pairs whose source has 3 nodes or more.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type TestClusters, testClusters } from '../harness/context.js';
import { FaultTimeline } from '../harness/fault-timeline.js';
import {
  copyHolder,
  fillWriteQueue,
  floodStageBlock,
  killNode,
  moveShard,
  nodeIds,
  nodeName,
  pauseNode,
  restartNode,
  setDiskWatermark,
  writeRejections,
  writeStorm,
} from '../harness/faults.js';
import { liveScenario, type ScenarioOptions, type ScenarioResult } from '../harness/live-scenario.js';
import type { Migration } from '../harness/migration.js';
import { readState } from '../harness/migration-state.js';
import { sleep } from '../harness/node-process.js';
import { assertDestMatches, summary } from '../harness/scenario-checks.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
  assert.ok(c.sourceNodes >= 3, `needs a source of 3 nodes or more (this pair has ${c.sourceNodes})`);
  assert.ok(c.destNodes >= 2, `needs a dest of 2 nodes or more (this pair has ${c.destNodes})`);
});
after(async () => {
  await c.close();
});

/** A never-stop migration that resumes when it stops, with small backfill pages so a fault lands mid-copy. */
function scenario(o: Partial<ScenarioOptions> & { seed: number }): Promise<ScenarioResult> {
  return liveScenario(c, {
    docs: 3000,
    rate: 60,
    sourceMs: 1000,
    destMs: 1000,
    move: 'after-move-now',
    cleanup: false,
    replicas: 1,
    resumeAfterStop: true,
    runEnv: { FERRY_TEST_BACKFILL_PAGE: '100' },
    ...o,
  });
}

async function judge(t: TestContext, result: ScenarioResult, faults: FaultTimeline): Promise<void> {
  const state = await readState(result.migration.stateDir, result.migration.id);
  for (const line of faults.describe(state)) t.diagnostic(line);
  for (const stop of result.stops ?? []) t.diagnostic(`ferry stopped, then resumed: ${stop.message}`);
  const { oracle, conflicts, outside } = result.comparison;
  t.diagnostic(
    `${oracle.checked} documents checked, ${conflicts.length} conflicts, outside them: ${summary(outside)}; ${result.report.errors.length} client errors; ${((result.durationMs ?? 0) / 1000).toFixed(0)} s in all`,
  );
  const diverged = await assertDestMatches(c.source, c.dest, result);
  if (diverged.length > 0)
    t.diagnostic(
      `${diverged.length} document(s) where the source differs from the client; dest = source there`,
    );
  assert.ok(oracle.checked >= 1500, `only ${oracle.checked} documents were compared`);
  // A stop must tell the operator what happened and what to do.
  for (const stop of result.stops ?? []) assert.match(stop.message, /resume|retr|busy|shard|reach/i);
  const recovered = faults.recoverySeconds(state);
  assert.ok(
    recovered.every((s) => s !== undefined),
    `Ferry caught up after every fault: ${faults.describe(state).join('; ')}`,
  );
}

/**
 * The source node (off node 0) whose shard copies the backfill's point-in-time reads, preferring one that holds a
 * primary: a point-in-time id names the node of each shard copy it was opened on.
 */
async function backfillReadsFrom(index: string, m: Migration): Promise<number | undefined> {
  const state = await readState(m.stateDir, m.id);
  const cursors = Object.values(state?.steps.backfill?.data.cursors ?? {}) as { contextId?: string }[];
  const pit = Buffer.from(cursors.find((x) => x.contextId)?.contextId ?? '', 'base64').toString('latin1');
  const ids = await nodeIds(c.source);
  const readers = [1, 2].filter((i) => pit.includes(ids.get(nodeName('source', i)) ?? '?'));
  const primary = await copyHolder(c.source, 'source', index, true);
  return readers.find((i) => i === primary) ?? readers[0];
}

describe('live migration through faults (acceptance list)', () => {
  it('kill -9 of the node holding a source primary mid-backfill, restarted 3 s later', async (t) => {
    const faults = new FaultTimeline();
    const result = await scenario({
      seed: 4102,
      duringBackfill: async (index, m) => {
        // The node whose copies the backfill reads; when it reads every shard on node 0 (adaptive replica
        // selection prefers the local node after earlier faults slowed the others), a node holding a copy.
        const reader = await backfillReadsFrom(index, m);
        const node =
          reader ??
          (await copyHolder(c.source, 'source', index, true)) ??
          (await copyHolder(c.source, 'source', index, false));
        assert.ok(node !== undefined, 'a copy of the index lives off node 0');
        const role =
          reader === undefined ? 'holding a copy, the backfill reading node 0' : 'read by the backfill';
        await faults.run(`source node ${node} (${role}) killed mid-backfill`, () => killNode('source', node));
        await sleep(3000);
        await faults.run(`source node ${node} restarted`, () =>
          restartNode('source', node, { status: 'yellow' }).then(() => undefined),
        );
      },
    });
    t.diagnostic(`the kill struck while the backfill ran: ${result.faultDuringBackfill}`);
    assert.equal(result.faultDuringBackfill, true, 'the node was killed while the backfill ran');
    await judge(t, result, faults);
  });

  it('a source replica frozen 10 s while the source takes writes, then a source primary relocated mid-capture', async (t) => {
    const faults = new FaultTimeline();
    const result = await scenario({
      seed: 4109,
      beforeSwitch: async (index) => {
        await faults.run('source replica frozen 10 s', async () => {
          const node = await copyHolder(c.source, 'source', index, false);
          assert.ok(node !== undefined, 'a replica lives off node 0');
          await (await pauseNode('source', node, 10_000)).resumed;
        });
        await sleep(3000);
        await faults.run('source primary relocated', async () => {
          const ids = await nodeIds(c.source);
          const names = new Map([...ids].map(([name, id]) => [id, name]));
          const copies = await c.source.shardSeqNos(index);
          const primary = copies.find((s) => s.primary);
          assert.ok(primary);
          const holders = copies.filter((s) => s.shard === primary.shard).map((s) => s.node);
          const free = [...ids.values()].find((id) => !holders.includes(id));
          assert.ok(free, 'a node without a copy of the shard');
          await moveShard(
            c.source,
            index,
            primary.shard,
            names.get(primary.node) ?? primary.node,
            names.get(free) ?? free,
          );
        });
        await sleep(3000);
      },
    });
    await judge(t, result, faults);
  });

  it('a 429 storm on the dest mid-copy, the dest disk watermarks reached and released, a dest node restarted', async (t) => {
    const faults = new FaultTimeline();
    let rejected = 0;
    let stormItems = 0;
    // Before the migration, so the dest index gets primaries on the squeezed node.
    await fillWriteQueue('dest', 1);
    let squeezed = true;
    try {
      const result = await scenario({
        seed: 4105,
        duringBackfill: () =>
          faults.run('429 storm on dest node 1 (one-slot write pool, 8 s of concurrent bulks)', async () => {
            const before = await writeRejections(c.dest, 'dest', 1);
            stormItems = await writeStorm(c.dest, 'dest', 1, 8000);
            rejected = (await writeRejections(c.dest, 'dest', 1)) - before;
          }),
        beforeSwitch: async () => {
          await faults.run('dest flood-stage disk watermark for 15 s, then released', async () => {
            await setDiskWatermark(c.dest, { low: '1%', high: '1%', floodStage: '1%' });
            try {
              await sleep(15_000);
            } finally {
              await setDiskWatermark(c.dest, null);
            }
          });
          await faults.run('dest node 1 restarted (with its usual write pool)', async () => {
            await restartNode('dest', 1);
            squeezed = false;
          });
          await sleep(3000);
        },
      });
      t.diagnostic(
        `write storm: dest node 1 rejected ${rejected} shard writes; the storm's own bulks got ${stormItems} 429 items`,
      );
      assert.ok(rejected > 0, 'the dest node rejected writes during the storm');
      await judge(t, result, faults);
    } finally {
      await setDiskWatermark(c.dest, null).catch(() => undefined);
      if (squeezed) await restartNode('dest', 1).catch(() => undefined);
    }
  });

  it('a flood-stage block on the dest held 45 s mid-backfill (past the write retries): Ferry stops saying why, resume reaches the end', async (t) => {
    const faults = new FaultTimeline();
    const result = await scenario({
      seed: 4107,
      runEnv: { FERRY_TEST_BACKFILL_PAGE: '50' },
      duringBackfill: (index) =>
        faults.run('dest index blocked (flood stage) for 45 s', async () => {
          // Set again every 2 s, as the disk monitor does while a disk stays over the flood stage: it lifts a
          // block by itself on a node under the high watermark (every node of the bed is).
          try {
            for (const until = Date.now() + 45_000; Date.now() < until; await sleep(2000))
              await floodStageBlock(c.dest, index, true);
          } finally {
            await floodStageBlock(c.dest, index, false);
          }
        }),
    });
    assert.equal(result.faultDuringBackfill, true, 'the block was set while the backfill ran');
    await judge(t, result, faults);
    assert.ok((result.stops ?? []).length >= 1, 'Ferry stopped while the dest refused every write');
    assert.match(result.stops?.[0]?.message ?? '', /could not be written to the destination/);
    assert.match(result.stops?.[0]?.message ?? '', /ferry resume/);
    // The throttle named the block as the cause (not "429 (busy)"), within a reading of the first refusal.
    const [stateDir, id] = [
      result.stateArgs[result.stateArgs.indexOf('--state-dir') + 1],
      result.stateArgs[result.stateArgs.indexOf('--id') + 1],
    ];
    const state = await readState(stateDir!, id!);
    const events = (state?.results.throttle as { events: { reason: string }[] } | undefined)?.events ?? [];
    assert.ok(
      events.some((e) => /^dest refuses writes: .*blocked by.*read.only.allow.delete/i.test(e.reason)),
      JSON.stringify(events.map((e) => e.reason)),
    );
  });
});
