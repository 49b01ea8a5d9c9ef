// Live step 5: document-by-document verification of the dest against the source after the drain.
// Differences the switch-over rule explains are counted apart, not hidden:
//  - dest-owned: a client wrote the document on the dest after the switch (it wins by the rule);
//  - deleted-on-dest: gone from the dest, but unchanged on the source since the switch, when it was on the
//    dest: a client deleted it there after the switch;
//  - version-only: Ferry applied a window change conditionally (internal version), the content is equal.
// Anything else fails the step, and cleanup will not run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterClient } from '../../cluster/client.js';
import { enc } from '../../cluster/client.js';
import { StepVerificationError } from '../../cluster/errors.js';
import type { Watermarks } from '../../copy/change-capture.js';
import { reconcile } from '../../copy/reconcile.js';
import { shardsOf } from '../../copy/shards-of.js';
import { clientTouchedIds, type WindowState } from '../../copy/window-writer.js';
import { verifyIndices } from '../../verify/index.js';
import type { ReportLine } from '../../verify/report-file.js';
import { canonicalJson } from '../../verify/source-hash.js';
import { DONE, type Step, type StepContext } from '../step.js';

const REPAIR_ATTEMPTS = 4;

interface Explained {
  destOwned: string[];
  deletedOnDest: string[];
  versionOnly: string[];
  unexplained: ReportLine[];
}

export const finalVerification: Step = {
  name: 'final_verification',
  describe: (plan) => [
    `verify ${plan.destIndex} against ${plan.sourceIndex} document by document (id, routing, version; content where versions differ)`,
  ],
  async run(ctx) {
    const sync = ctx.state.steps.sync?.data as
      | { window?: WindowState; switchWatermarks?: Watermarks }
      | undefined;
    // A change that reached the source after the drain started is repaired (under the same rule) and checked again.
    for (let attempt = 1; ; attempt++) {
      const summary = await verifyOnce(ctx, sync);
      if (summary.unexplained === 0 || attempt >= REPAIR_ATTEMPTS) break;
      ctx.progress.info(
        `verification found ${summary.unexplained} unexplained difference(s); repairing (attempt ${attempt})`,
      );
      const { plan } = ctx;
      await reconcile({
        source: ctx.source,
        dest: ctx.dest,
        sourceIndex: plan.sourceIndex,
        destIndex: plan.destIndex,
        window: sync?.window,
        switchWatermarks: sync?.switchWatermarks,
        progress: ctx.progress,
      });
    }
    return DONE;
  },
  async verify(ctx) {
    const summary = ctx.data.summary as { unexplained: number; report: string } | undefined;
    if (!summary || summary.unexplained > 0) {
      throw new StepVerificationError(
        `${summary?.unexplained ?? '?'} document(s) differ between source and dest without an explanation; see ${summary?.report ?? 'the report'}`,
        'Run `ferry resume` to sync again and re-verify; nothing is deleted until this is clean.',
      );
    }
  },
};

async function verifyOnce(
  ctx: StepContext,
  sync: { window?: WindowState; switchWatermarks?: Watermarks } | undefined,
): Promise<{ unexplained: number }> {
  const { plan, source, dest } = ctx;
  const outPath = join(ctx.plan.stateDir, plan.id, 'final-verify.ndjson');
  const result = await verifyIndices({
    source,
    dest,
    sourceIndex: plan.sourceIndex,
    destIndex: plan.destIndex,
    level: 'deep',
    outPath,
    recheckRounds: 2,
    progress: ctx.progress,
  });
  const lines = (await readFile(outPath, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReportLine);
  const explained = await explain(ctx, lines, sync?.window, sync?.switchWatermarks);
  const summary = {
    sourceDocs: result.sourceDocs,
    destDocs: result.destDocs,
    counts: result.counts,
    inFlux: result.inFlux,
    definition: result.definition,
    destOwned: explained.destOwned.length,
    deletedOnDest: explained.deletedOnDest.length,
    versionOnly: explained.versionOnly.length,
    unexplained: explained.unexplained.length,
    unexplainedExamples: explained.unexplained.slice(0, 20),
    docsPerSecond: result.docsPerSecond,
    report: outPath,
  };
  ctx.data.summary = summary;
  await ctx.setResult('verification', summary);
  ctx.progress.info(
    `verification: ${result.sourceDocs} source / ${result.destDocs} dest documents; ${explained.unexplained.length} unexplained difference(s); dest-owned ${explained.destOwned.length}, deleted on dest ${explained.deletedOnDest.length}, version-only ${explained.versionOnly.length}`,
  );
  return summary;
}

async function explain(
  ctx: StepContext,
  lines: ReportLine[],
  window: WindowState | undefined,
  switchMarks: Watermarks | undefined,
): Promise<Explained> {
  const out: Explained = { destOwned: [], deletedOnDest: [], versionOnly: [], unexplained: [] };
  if (!window) {
    out.unexplained = lines;
    return out;
  }
  const { plan, source, dest } = ctx;
  const touched = await clientTouchedIds(dest, plan.destIndex, window);
  for (const line of lines) {
    if (touched.has(line.id)) out.destOwned.push(line.id);
    else if (
      line.class === 'missing' &&
      switchMarks &&
      (await unchangedSinceSwitch(source, plan.sourceIndex, line, switchMarks))
    )
      out.deletedOnDest.push(line.id);
    else if (
      (line.class === 'stale' || line.class === 'newer_on_dest' || line.class === 'content_differs') &&
      (await sameContent(source, dest, plan, line))
    )
      out.versionOnly.push(line.id);
    else out.unexplained.push(line);
  }
  return out;
}

async function unchangedSinceSwitch(
  source: ClusterClient,
  index: string,
  line: ReportLine,
  marks: Watermarks,
): Promise<boolean> {
  const shard = (await shardsOf(source, index, [line.id])).get(line.id);
  const mark = shard === undefined ? undefined : marks[shard];
  return (
    line.source?.seq_no !== null &&
    line.source?.seq_no !== undefined &&
    mark !== undefined &&
    line.source.seq_no <= mark
  );
}

async function sameContent(
  source: ClusterClient,
  dest: ClusterClient,
  plan: { sourceIndex: string; destIndex: string },
  line: ReportLine,
): Promise<boolean> {
  const routing = line.source?.routing ?? undefined;
  const get = (client: ClusterClient, index: string) =>
    client.request<{ _source?: unknown }>({
      method: 'GET',
      path: `/${enc(index)}/_doc/${enc(line.id)}`,
      query: { routing },
      okStatuses: [404],
    });
  const [a, b] = await Promise.all([get(source, plan.sourceIndex), get(dest, plan.destIndex)]);
  return (
    a.status === 200 &&
    b.status === 200 &&
    canonicalJson(a.body._source ?? {}) === canonicalJson(b.body._source ?? {})
  );
}
