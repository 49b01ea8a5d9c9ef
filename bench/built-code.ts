// The code a benchmark measures: built from the tree into dist/ (what bin/ferry.js runs) and named by its commit,
// taken before the run starts because the tree may move on while it lasts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/harness/paths.js';
import { startChild } from './child-process.js';

/** The short commit, and whether src/ or bench/ had changes not yet committed. */
export function codeVersion(): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', 'src', 'bench']) ? ' (with uncommitted changes in src or bench)' : ''}`;
}

export async function buildDist(): Promise<void> {
  const child = startChild(process.execPath, [
    join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
  ]);
  const r = await child.done;
  if (r.code !== 0) throw new Error(`build failed: ${r.output}`);
}
