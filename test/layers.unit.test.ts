// Imports point one way: each folder of src/ is a layer and imports only from its own folder and the layers
// below it, and no files import each other in a loop. A new import that points up means the piece belongs lower
// (or the caller should hand it down): move it, do not loosen the list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from './harness/source-files.js';

const SRC = join(import.meta.dirname, '../src');

/** Bottom first. core: what every layer needs (progress, FerryError, time); cli: the top. */
const LAYERS = [
  'core',
  'cluster',
  'state',
  'operator',
  'sync',
  'verify',
  'audit',
  'plan',
  'steps',
  'strategies',
  'report',
  'cli',
] as const;

/** Each src file (relative to src) with the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    const text = readFileSync(file, 'utf8');
    const targets = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/g),
    ].map((m) => normalize(join(dirname(from), m[1]!)).replace(/\.js$/, '.ts'));
    graph.set(from, targets);
  }
  return graph;
}

const layerOf = (file: string) => LAYERS.indexOf(file.split('/')[0] as (typeof LAYERS)[number]);

/** `from imports to` where `to` sits in a higher layer (or in none). */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph)
    for (const to of targets)
      if (layerOf(from) < 0 || layerOf(to) < 0 || layerOf(to) > layerOf(from)) found.push(`${from} -> ${to}`);
  return found;
}

/** One loop of files importing each other, per loop found by a depth-first walk. */
export function importLoops(graph: Map<string, string[]>): string[] {
  const loops: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') loops.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return loops;
}

describe('imports point one way', () => {
  const graph = importGraph();

  it('every folder of src is a layer', () => {
    const folders = new Set([...graph.keys()].map((f) => f.split('/')[0]));
    assert.deepEqual(
      [...folders].filter((f) => layerOf(`${f}/x.ts`) < 0),
      [],
    );
  });

  it('no file imports from a layer above its own', () => {
    assert.deepEqual(upwardImports(graph), []);
  });

  it('no files import each other in a loop', () => {
    assert.deepEqual(importLoops(graph), []);
  });

  it('the checks see an upward import and a loop', () => {
    const bad = new Map([
      ['sync/a.ts', ['steps/b.ts']],
      ['steps/b.ts', ['sync/a.ts']],
    ]);
    assert.deepEqual(upwardImports(bad), ['sync/a.ts -> steps/b.ts']);
    assert.deepEqual(importLoops(bad), ['sync/a.ts -> steps/b.ts -> sync/a.ts']);
  });
});
