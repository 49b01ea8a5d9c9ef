// Where the test bed keeps its files: one folder in the repository, ignored by git.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(HARNESS_DIR, '..', '..');
export const BED_ROOT = process.env.FERRY_BED_DIR ?? join(REPO_ROOT, '.ferry-bed');
/** A node's transport port is its HTTP port plus this: a bed stays inside FERRY_BED_PORT..+99. */
export const TRANSPORT_OFFSET = 50;
/** Where tests leave what a person may want to look at (screenshots): ignored by git. */
export const TEST_OUTPUT_DIR = process.env.FERRY_TEST_OUTPUT_DIR ?? join(REPO_ROOT, 'test-output');
