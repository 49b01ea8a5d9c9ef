// npm run clusters -- up [engine | source:dest] | down | status
import { bedAlive, bedDown, bedUp, readBed } from './bed.js';
import { parseEnginePair } from './engines.js';

async function main(): Promise<void> {
  const [command = 'status', engine = process.env.FERRY_ENGINE ?? 'opensearch-2'] = process.argv.slice(2);
  if (command === 'up') {
    const bed = await bedUp(parseEnginePair(engine), undefined);
    console.log(
      `source ${bed.source.engine} ${bed.source.url} (started in ${bed.source.startupSeconds.toFixed(1)} s)`,
    );
    console.log(
      `dest   ${bed.dest.engine} ${bed.dest.url} (started in ${bed.dest.startupSeconds.toFixed(1)} s)`,
    );
    console.log(`shared snapshot directory ${bed.repoDir}`);
  } else if (command === 'down') {
    await bedDown();
    console.log('test bed stopped');
  } else if (command === 'status') {
    const bed = await readBed();
    if (!bed) {
      console.log('test bed is down (start it with: npm run clusters -- up [engine|source:dest])');
      return;
    }
    const alive = bedAlive(bed);
    console.log(`source ${bed.source.engine} ${bed.source.url} ${alive.source ? 'running' : 'gone'}`);
    console.log(`dest   ${bed.dest.engine} ${bed.dest.url} ${alive.dest ? 'running' : 'gone'}`);
  } else {
    throw new Error(`Unknown command "${command}". Use up [engine|source:dest], down or status.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
