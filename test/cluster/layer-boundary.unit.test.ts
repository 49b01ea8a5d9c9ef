// Only src/cluster speaks HTTP: no other source file builds a request path, calls the raw request/json of a
// client or imports the transport. A new call to a cluster gets a typed function in src/cluster first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from '../harness/source-files.js';

const SRC = join(import.meta.dirname, '../../src');
const FORBIDDEN: readonly { rule: string; pattern: RegExp }[] = [
  { rule: 'request path', pattern: /\bpath:\s*['"`]\// },
  { rule: 'raw client call', pattern: /\.(request|json)\s*[<(]/ },
  { rule: 'transport import', pattern: /from\s+['"][./]*cluster\/transport(\.js)?['"]/ },
];

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const name = relative(SRC, file);
    if (name.startsWith('cluster/')) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const { rule, pattern } of FORBIDDEN)
          if (pattern.test(line)) found.push(`src/${name}:${i + 1} ${rule}: ${line.trim()}`);
      });
  }
  return found;
}

describe('the cluster layer is closed', () => {
  it('no file outside src/cluster builds a request path or calls request/json', () => {
    assert.deepEqual(violations(), []);
  });

  it('the check sees a violation', () => {
    const line = "  await client.json({ method: 'GET', path: `/_cluster/health` });";
    assert.deepEqual(
      FORBIDDEN.filter(({ pattern }) => pattern.test(line)).map((f) => f.rule),
      ['request path', 'raw client call'],
    );
  });
});
