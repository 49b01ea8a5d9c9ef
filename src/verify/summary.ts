// The few lines an operator reads at the end of `ferry verify`.
import { formatDuration } from '../core/time.js';
import { DIFF_CLASSES, type VerifyResult } from './types.js';

export const DEFAULT_BLIND_SPOT =
  'compared ids, routing and versions only: content changed without a version change is not seen; --deep compares content hashes';

export function formatSummary(r: VerifyResult): string {
  const lines: string[] = [];
  const scope = [r.level === 'deep' ? 'deep (version + content hash)' : 'default (id, routing, version)'];
  if (r.sample < 1) scope.push(`sample ${(r.sample * 100).toFixed(2)}% of ids`);
  if (r.since) scope.push('documents changed since the given checkpoints');
  lines.push(`verify ${r.sourceIndex} -> ${r.destIndex}: ${scope.join(', ')}`);
  lines.push(
    `  listed ${r.sourceDocs} source and ${r.destDocs} dest documents in ${formatDuration(r.elapsedMs / 1000)} (${Math.round(r.docsPerSecond)} docs/s)`,
  );
  for (const cls of DIFF_CLASSES) if (r.counts[cls] > 0) lines.push(`  ${cls.padEnd(16)} ${r.counts[cls]}`);
  if (r.inFlux > 0)
    lines.push(
      `  ${'in_flux'.padEnd(16)} ${r.inFlux}  (still changing after every re-check; run verify again once writes stop)`,
    );
  if (r.resolved > 0)
    lines.push(`  ${r.resolved} difference(s) seen in the listing had caught up on a fresh look`);
  for (const d of r.definition)
    lines.push(`  ${d.kind} ${d.path}: source ${JSON.stringify(d.source)}, dest ${JSON.stringify(d.dest)}`);
  for (const e of r.examples) {
    lines.push(
      `  e.g. ${e.class}${e.inFlux ? ' (in flux)' : ''} ${e.id}: source v${e.source?.version ?? '-'}, dest v${e.dest?.version ?? '-'}`,
    );
  }
  if (r.outPath && !r.equal) lines.push(`  every difference: ${r.outPath}`);
  // An edit that keeps `_version` (a restore, a reindex with external versions) is invisible without hashes:
  // EQUAL must not read as more than it checked.
  if (r.level === 'default') lines.push(`  ${DEFAULT_BLIND_SPOT}`);
  lines.push(r.equal ? 'EQUAL: every checked document matches.' : 'DIFFERENT: see the classes above.');
  return lines.join('\n');
}
