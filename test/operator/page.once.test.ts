// The live page (`ferry status --web`) and the HTML report, rendered in headless Chromium with no network:
// the page draws throughput, lag and progress from a running migration and refreshes itself; the report
// file draws the same charts with the step timeline and the verification. Screenshots go to test-output/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LIVE_STEPS } from '../../src/strategies/live.js';
import { openBrowser } from '../harness/browser.js';
import { type TestClusters, testClusters, uniqueName } from '../harness/context.js';
import { allDocs, assertSameDocuments } from '../harness/documents.js';
import { ferryOn, newMigration, startOn, startRun } from '../harness/migration.js';
import { waitForState } from '../harness/migration-state.js';
import { TEST_OUTPUT_DIR } from '../harness/paths.js';

let c: TestClusters;
before(async () => {
  c = await testClusters();
});
after(async () => {
  await c.close();
});

const DOCS = 4000;

function bulkLines(index: string, from: number, to: number, round: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++)
    lines.push(JSON.stringify({ index: { _index: index, _id: `w${i}` } }), JSON.stringify({ n: i, round }));
  return `${lines.join('\n')}\n`;
}

describe('live page and HTML report', () => {
  it('render with data in Chromium, offline', async (t) => {
    await mkdir(TEST_OUTPUT_DIR, { recursive: true });
    const index = uniqueName('page');
    await c.source.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await c.source.bulk(bulkLines(index, 0, DOCS, 0), { refresh: 'true' });
    const m = await newMigration(c, index, { extraArgs: ['--max-docs-per-second', '1000'] });
    const run = startRun(m);
    await waitForState(m.stateDir, m.id, () => true);
    const web = startOn(m, 'status', ['--web']);
    t.after(() => {
      for (const pid of [run.pid, web.pid])
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // It ended.
        }
    });
    const browser = await openBrowser();
    t.after(() => browser.close());
    const url = (await web.line(/live page: /))?.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
    assert.ok(url, 'ferry status --web printed no loopback URL');

    // Changes during the sync give the lag chart something to show.
    await waitForState(m.stateDir, m.id, (s) => s.steps.sync?.status === 'running');
    for (let round = 1; round <= 3; round++) {
      await c.source.bulk(bulkLines(index, 0, 600, round));
      await new Promise((r) => setTimeout(r, 700));
    }
    await waitForState(m.stateDir, m.id, (s) => ((s.results.lag as unknown[] | undefined)?.length ?? 0) >= 3);

    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-rendered]');
    const first = await page.getAttribute('body', 'data-refreshed');
    await page.waitForFunction((before) => {
      const now = document.body.getAttribute('data-refreshed');
      return now !== null && now !== before;
    }, first);
    assert.equal(await page.locator('.uplot').count(), 3, 'throughput, lag and progress charts');
    // Every step of the list, the skipped backfill method's steps included (each with its reason).
    assert.equal(await page.locator('.timeline tr[data-step]').count(), LIVE_STEPS.length);
    assert.equal(await page.locator('tr[data-step="sync"][data-status="running"]').count(), 1);
    await page.screenshot({ path: join(TEST_OUTPUT_DIR, 'live-page.png'), fullPage: true });

    const sw = await ferryOn(m, 'switch');
    assert.equal(sw.code, 0, sw.stderr);
    const end = await run.done;
    assert.equal(end.code, 0, end.stderr);
    const file = join(TEST_OUTPUT_DIR, 'report.html');
    const report = await ferryOn(m, 'report', ['--html', file]);
    assert.equal(report.code, 0, report.stderr);
    const doc = await browser.context.newPage();
    await doc.goto(`file://${file}`);
    await doc.waitForSelector('body[data-rendered]');
    assert.equal(await doc.locator('.uplot').count(), 3);
    // Every step but cleanup (the skipped backfill method's steps are recorded done, with their reason).
    assert.equal(
      await doc.locator('.timeline tr[data-step][data-status="done"]').count(),
      LIVE_STEPS.length - 1,
    );
    assert.match(
      await doc.locator('table[data-section="Verification"]').innerText(),
      /unexplained\s+0 \(clean\)/,
    );
    assert.match(await doc.locator('table[data-section="Conflicts"]').innerText(), /total.*\s+0/);
    assert.match(
      await doc.locator('table[data-section="Operator limits"]').innerText(),
      /max docs per second/,
    );
    await doc.screenshot({ path: join(TEST_OUTPUT_DIR, 'report.png'), fullPage: true });
    assert.deepEqual(browser.external, [], 'the pages asked for something off this machine');
    assertSameDocuments(
      await allDocs(c.dest, index),
      await allDocs(c.source, index),
      'dest after the page test',
    );
  });
});
