// The secret search of the secured tests: every form a password or key could take in an artifact, every file
// under a folder, and a sampler of the machine's process list while a command runs.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The password as given, URL-encoded and inside a basic-auth header; every line of the key's body. */
export function secretForms(user: string, password: string, key?: string): [string, string][] {
  const keyLines = (key ?? '')
    .split('\n')
    .filter((l) => l.length > 20 && !l.startsWith('-----'))
    .map((l, i): [string, string] => [`key line ${i + 1}`, l]);
  return [
    ['password', password],
    ['URL-encoded password', encodeURIComponent(password)],
    ['basic-auth header', Buffer.from(`${user}:${password}`).toString('base64')],
    ...keyLines,
  ];
}

/** Every file under `dir`, recursively (none when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** [where, text] for each file, read as bytes so that binary files (SQLite) are searched too. */
export async function fileTexts(files: string[]): Promise<[string, string][]> {
  return Promise.all(
    files.map(async (f): Promise<[string, string]> => [f, (await readFile(f)).toString('latin1')]),
  );
}

/** The names of the secret forms found in any text, with where: empty when none is. */
export function secretsFound(texts: [string, string][], secrets: [string, string][]): string[] {
  const found: string[] = [];
  for (const [where, text] of texts)
    for (const [name, secret] of secrets) if (text.includes(secret)) found.push(`${name} in ${where}`);
  return found;
}

const run = promisify(execFile);

/**
 * Samples `ps -eo args` (every process's command line) until `until` settles; returns the distinct lines seen.
 * An interval of 100 ms sees every process that lives at least that long (Ferry, its hooks, their children).
 */
export async function sampleProcessList(until: Promise<unknown>, everyMs = 100): Promise<Set<string>> {
  const lines = new Set<string>();
  let done = false;
  const finished = until.finally(() => {
    done = true;
  });
  while (!done) {
    const { stdout } = await run('ps', ['-eo', 'args', '--no-headers'], { maxBuffer: 16 * 1024 * 1024 });
    for (const line of stdout.split('\n')) if (line.trim()) lines.add(line);
    await Promise.race([finished, new Promise((r) => setTimeout(r, everyMs))]);
  }
  return lines;
}
