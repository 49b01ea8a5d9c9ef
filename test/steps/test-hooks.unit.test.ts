// The test hooks have one seam: only src/steps/test-hooks.ts reads FERRY_TEST_*, and unset they do nothing.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { NO_TEST_HOOKS, readTestHooks } from '../../src/steps/test-hooks.js';
import { REPO_ROOT } from '../harness/paths.js';
import { sourceFiles } from '../harness/source-files.js';

describe('test hooks', () => {
  it('are read from FERRY_TEST_* in one file only', async () => {
    const readers: string[] = [];
    for (const file of sourceFiles(join(REPO_ROOT, 'src')))
      if ((await readFile(file, 'utf8')).includes('env.FERRY_TEST_')) readers.push(relative(REPO_ROOT, file));
    assert.deepEqual(readers, ['src/steps/test-hooks.ts']);
  });

  it('parse what the tests set, and are all off when nothing is set', () => {
    assert.deepEqual(readTestHooks({}), NO_TEST_HOOKS);
    assert.deepEqual(
      readTestHooks({
        FERRY_TEST_KILL_AT: 'sync:round',
        FERRY_TEST_SIGNAL_AFTER_UNDO: '2:SIGINT,SIGTERM',
        FERRY_TEST_LOSE_CHANGES: '3',
        FERRY_TEST_BACKFILL_PAGE: '50',
      }),
      {
        killAt: 'sync:round',
        signalAfterUndo: { after: 2, signals: ['SIGINT', 'SIGTERM'] },
        loseChanges: 3,
        backfillPage: 50,
      },
    );
    assert.deepEqual(readTestHooks({ FERRY_TEST_SIGNAL_AFTER_UNDO: '1' }).signalAfterUndo, {
      after: 1,
      signals: ['SIGINT'],
    });
  });
});
