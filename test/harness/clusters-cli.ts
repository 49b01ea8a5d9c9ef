// npm run clusters -- up [engine | source:dest, each with an optional xN node count] | down | status
import { bedAlive, bedDown, bedUp, readBed, SIDES } from './bed.js';
import { parseEnginePair } from './engines.js';

const USAGE = 'up [engine|source:dest, e.g. opensearch-2x3:opensearch-2x2], down or status';

async function main(): Promise<void> {
  const [command = 'status', engine = process.env.FERRY_ENGINE ?? 'opensearch-2'] = process.argv.slice(2);
  if (command === 'up') {
    const started = Date.now();
    const bed = await bedUp(parseEnginePair(engine), undefined);
    for (const side of SIDES)
      for (const [i, node] of bed.nodes[side].entries())
        console.log(
          `${side.padEnd(6)} ${i} ${node.engine} ${node.url} pid ${node.pid} (started in ${node.startupSeconds.toFixed(1)} s)`,
        );
    console.log(`bed ${bed.pair} up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`shared snapshot directory ${bed.repoDir}`);
  } else if (command === 'down') {
    await bedDown();
    console.log('test bed stopped');
  } else if (command === 'status') {
    const bed = await readBed();
    if (!bed) {
      console.log(`test bed is down (start it with: npm run clusters -- ${USAGE.split(',')[0]})`);
      return;
    }
    const alive = bedAlive(bed);
    console.log(`bed ${bed.pair}`);
    for (const side of SIDES)
      for (const [i, node] of bed.nodes[side].entries())
        console.log(
          `${side.padEnd(6)} ${i} ${node.engine} ${node.url} pid ${node.pid} ${alive[side][i] ? 'running' : 'gone'}`,
        );
  } else {
    throw new Error(`Unknown command "${command}". Use ${USAGE}.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
