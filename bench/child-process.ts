// A child process a benchmark steers: waits for a line of its output, reads its resident memory from /proc
// (now and peak), and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { REPO_ROOT } from '../test/harness/paths.js';

export interface Child {
  pid: number;
  /** Resolves with the first output line matching `pattern` (stdout or stderr); rejects if the child exits first. */
  line(pattern: RegExp): Promise<string>;
  /** Current resident memory in MB (VmRSS), 0 once exited. */
  rssMb(): Promise<number>;
  /** Peak resident memory in MB so far (VmHWM), 0 once exited. */
  peakMb(): Promise<number>;
  /** Output lines that parse as JSON objects with a `pass` field. */
  passes(): unknown[];
  kill(): void;
  done: Promise<{ code: number | null; output: string }>;
}

export function startChild(command: string, args: string[]): Child {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  const waiters: { pattern: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  const passes: unknown[] = [];
  const wake = () => {
    const lines = output.split('\n');
    for (const w of [...waiters]) {
      const found = lines.find((l) => w.pattern.test(l));
      if (found === undefined && !exited) continue;
      waiters.splice(waiters.indexOf(w), 1);
      if (found !== undefined) w.resolve(found);
      else
        w.reject(
          new Error(
            `${args.join(' ').slice(0, 120)} exited before printing ${w.pattern}:\n${output.slice(-3000)}`,
          ),
        );
    }
  };
  const take = (d: Buffer) => {
    const text = d.toString();
    for (const l of text.split('\n'))
      if (l.startsWith('{"pass"')) passes.push((JSON.parse(l) as { pass: unknown }).pass);
    output += text;
    if (output.length > 2_000_000) output = output.slice(-200_000);
    if (process.env.FERRY_BENCH_VERBOSE) process.stderr.write(text);
    wake();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code) => {
      exited = true;
      wake();
      resolve({ code, output });
    });
  });
  const memory = async (field: string) => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  };
  return {
    pid: child.pid ?? 0,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        wake();
      }),
    rssMb: () => memory('VmRSS'),
    peakMb: () => memory('VmHWM'),
    passes: () => passes,
    kill: () => child.kill('SIGTERM'),
    done,
  };
}
