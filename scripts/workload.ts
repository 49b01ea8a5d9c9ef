// The "applications" of the demo: load the cities corpus, run the mixed workload against an index (Ctrl-C or
// --seconds to stop; SIGUSR2 moves it to --dest-url, as applications switching clusters), and compare an
// index with a saved report.
//   npx tsx scripts/workload.ts load-cities --url http://localhost:9200 --index demo-cities --limit 20000
//   npx tsx scripts/workload.ts run --url ... --index demo-cities --dest-url ... --rate 50 --out run.json
//   npx tsx scripts/workload.ts compare --url <dest> --index demo-cities --report run.json
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { compareWithOracle } from '../src/audit/compare.js';
import { OP_TYPES, type WorkloadReport } from '../src/audit/record.js';
import { reportFromJson, reportToJson, type WorkloadReportJson } from '../src/audit/record-json.js';
import { ClusterClient } from '../src/cluster/client.js';
import { loadCities } from '../tools/workload/cities.js';
import { readInitial } from '../tools/workload/initial.js';
import { startWorkload } from '../tools/workload/workload.js';

const program = new Command('workload');

program
  .command('load-cities')
  .requiredOption('--url <url>')
  .requiredOption('--index <name>')
  .option('--limit <n>', 'documents', '20000')
  .action(async (o: { url: string; index: string; limit: string }) => {
    const client = await ClusterClient.connect({ url: o.url });
    const docs = await loadCities(client, o.index, Number(o.limit));
    console.log(`loaded ${docs.size} cities into ${o.index} on ${client.label}`);
    await client.close();
  });

program
  .command('run')
  .requiredOption('--url <url>')
  .requiredOption('--index <name>')
  .option('--dest-url <url>', 'where SIGUSR2 moves the workload')
  .option('--dest-index <name>')
  .option('--rate <ops>', 'operations per second', '20')
  .option('--concurrency <n>', 'operations in flight', '2')
  .option('--seed <n>', 'PRNG seed', '1')
  .option('--seconds <n>', 'stop after this long (default: Ctrl-C)')
  .requiredOption('--out <file>', 'where to write the report (JSON)')
  .action(async (o: RunOptions) => {
    const client = await ClusterClient.connect({ url: o.url });
    const initial = await readInitial(client, o.index);
    const workload = await startWorkload({
      target: { client, index: o.index },
      seed: Number(o.seed),
      rate: Number(o.rate),
      concurrency: Number(o.concurrency),
      initial,
    });
    for (const d of workload.disabled) console.log(`left out ${d.type}: ${d.reason}`);
    console.log(`writing to ${o.index} on ${client.label} from ${initial.size} documents; Ctrl-C stops`);
    const dest = o.destUrl ? await ClusterClient.connect({ url: o.destUrl }) : undefined;
    if (dest) {
      process.on('SIGUSR2', () => {
        workload.switchTo(dest, o.destIndex ?? o.index);
        console.log(`switched to ${dest.label}`);
      });
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      if (o.seconds) setTimeout(resolve, Number(o.seconds) * 1000);
    });
    const report = await workload.stop();
    await writeFile(o.out, JSON.stringify(reportToJson(report)));
    printCounts(report);
    console.log(`report written to ${o.out}`);
    await Promise.all([client.close(), dest?.close()]);
  });

program
  .command('compare')
  .requiredOption('--url <url>')
  .requiredOption('--index <name>')
  .requiredOption('--report <file>')
  .action(async (o: { url: string; index: string; report: string }) => {
    const report = reportFromJson(JSON.parse(await readFile(o.report, 'utf8')) as WorkloadReportJson);
    const client = await ClusterClient.connect({ url: o.url });
    const result = await compareWithOracle(client, o.index, report.expected, report);
    console.log(
      `${result.checked} ids checked: ${result.lost.length} lost, ${result.resurrected.length} resurrected, ` +
        `${result.stale.length} stale, ${result.extra.length} extra, ${result.uncertain.length} uncertain`,
    );
    for (const [origin, counts] of Object.entries(result.byOrigin))
      console.log(`  ${origin.padEnd(22)} ${JSON.stringify(counts)}`);
    await client.close();
    if (result.lost.length + result.resurrected.length + result.stale.length + result.extra.length > 0)
      process.exitCode = 1;
  });

interface RunOptions {
  url: string;
  index: string;
  destUrl?: string;
  destIndex?: string;
  rate: string;
  concurrency: string;
  seed: string;
  seconds?: string;
  out: string;
}

function printCounts(report: WorkloadReport): void {
  for (const type of OP_TYPES) {
    const c = report.ops[type];
    if (c.attempted > 0)
      console.log(
        `  ${type.padEnd(22)} ${c.succeeded}/${c.attempted} ok, ${c.failed} rejected, ${c.ambiguous} ambiguous`,
      );
  }
  console.log(`  ${report.errors.length} client errors, ${report.divergences.length} divergences`);
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
