// The scopes of the default run name files that exist, and docs/testing.md's table names each of them, so the
// table people read is the one the runner follows.
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './paths.js';
import { ENGINE_MAP, REPLICA_SENSITIVE, scopeFiles } from './test-scopes.js';

describe('test scopes', () => {
  it('name existing files, each in docs/testing.md', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'testing.md'), 'utf8');
    for (const { file } of [...ENGINE_MAP, ...REPLICA_SENSITIVE]) {
      await access(join(REPO_ROOT, file));
      assert.ok(doc.includes(file.replace(/^test\//, '')), `docs/testing.md does not name ${file}`);
    }
  });

  it('give each pair kind its files', () => {
    const files = [
      'test/a/x.test.ts',
      'test/a/y.multinode.test.ts',
      'test/a/z.secured.test.ts',
      ENGINE_MAP[0]!.file,
      REPLICA_SENSITIVE[1]!.file,
    ];
    assert.deepEqual(scopeFiles('all', files), [files[0], files[3], files[4]]);
    assert.deepEqual(scopeFiles('engine', files), [files[3]]);
    assert.deepEqual(scopeFiles('replicas', files), [files[1], files[4]]);
    assert.deepEqual(scopeFiles('secured', files), [files[2]]);
  });
});
