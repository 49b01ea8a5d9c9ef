// Which cluster test files each pair of the default run (`npm test`, what CI runs) takes, and why. The first pair
// runs every file; the other pairs run the files whose outcome depends on the engine or its version (the engine
// map); the multi-node pair adds what depends on replicas and node faults; a secured pair runs only the
// *.secured.test.ts files. `FERRY_MATRIX=full`, or naming pairs with `FERRY_ENGINE`, runs every file on every
// pair. docs/testing.md has the same table for people; a unit test keeps the two in step.

/** What a pair of the run takes. */
export type Scope =
  /** Every cluster test file (except the multi-node and secured ones, which have their own pairs). */
  | 'all'
  /** The engine map only. */
  | 'engine'
  /** *.multinode.test.ts and the replica-sensitive files (the engine is the first pair's). */
  | 'replicas'
  /** *.secured.test.ts only. */
  | 'secured';

export interface ScopedFile {
  /** Path from the repository root. */
  file: string;
  why: string;
}

/** Files whose verdict can change with the engine or version: every pair runs them. */
export const ENGINE_MAP: readonly ScopedFile[] = [
  { file: 'test/cluster/server-facts.test.ts', why: 'the server facts Ferry builds on, pinned per engine' },
  { file: 'test/cluster/body-too-large.test.ts', why: 'how each engine refuses a body over its limit (413)' },
  { file: 'test/sync/backfill.test.ts', why: 'the backfill: point-in-time or scroll slices, per engine' },
  { file: 'test/sync/applier.test.ts', why: 'conditional writes and their answers (_seq_no, 409s)' },
  { file: 'test/sync/deletes.test.ts', why: 'deletes found by counting per _seq_no range' },
  { file: 'test/sync/deletes-cases.test.ts', why: 'delete edge cases: gc_deletes, re-created ids, routing' },
  {
    file: 'test/sync/backfill-context-lost.test.ts',
    why: 'a lost scroll or point-in-time, each engine its own way',
  },
  { file: 'test/verify/verify.test.ts', why: 'listing both sides, _id sorting limits (Elasticsearch 8+)' },
  { file: 'test/verify/client-ops.test.ts', why: 'the dest operation count behind "deleted by a client"' },
  { file: 'test/strategies/live.test.ts', why: 'the live acceptance under the seeded workload' },
  { file: 'test/strategies/live-snapshot.test.ts', why: 'which engine restores which snapshot' },
  { file: 'test/strategies/two-pass.test.ts', why: 'pipelines and reindex-from-remote, refused on ES 8/9' },
];

/** Besides *.multinode.test.ts, files whose outcome depends on replicas: the multi-node pair runs them too. */
export const REPLICA_SENSITIVE: readonly ScopedFile[] = [
  { file: 'test/strategies/live.test.ts', why: 'the live acceptance with replicas (1 seed)' },
  {
    file: 'test/strategies/live-never-stop.test.ts',
    why: 'the never-stop acceptance: replicas lag, checkpoints move (1 seed)',
  },
];

export function scopeFiles(scope: Scope, files: readonly string[]): string[] {
  const secured = (f: string) => f.endsWith('.secured.test.ts');
  const multinode = (f: string) => f.endsWith('.multinode.test.ts');
  const listed = (list: readonly ScopedFile[], f: string) => list.some((s) => s.file === f);
  switch (scope) {
    case 'secured':
      return files.filter(secured);
    case 'all':
      return files.filter((f) => !secured(f) && !multinode(f));
    case 'engine':
      return files.filter((f) => listed(ENGINE_MAP, f));
    case 'replicas':
      return files.filter((f) => multinode(f) || listed(REPLICA_SENSITIVE, f));
  }
}
