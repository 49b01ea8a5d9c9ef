// Runs the real ferry CLI from source as a child process, so tests see exit codes, output and real kills.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runFerry(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return startFerry(args, env).done;
}

export interface RunningFerry {
  pid: number;
  done: Promise<CliResult>;
  /**
   * The first stdout line matching `pattern`, as soon as it is printed (an operator reacting to a message);
   * undefined if the process ends without printing one.
   */
  line(pattern: RegExp): Promise<string | undefined>;
}

// Every CLI process a test started and that has not ended: killed when the test file's process exits (a failed
// assertion must not leave a ferry run going on against the bed).
const running = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the CLI and returns at once: for long runs that the test steers (switch, kill) while they go. */
export function startFerry(args: string[], env: Record<string, string | undefined> = {}): RunningFerry {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'dev.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, FERRY_TEST_KILL_AT: undefined, FERRY_TEST_LOSE_CHANGES: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  let exited = false;
  const waiters: { pattern: RegExp; resolve: (line: string | undefined) => void }[] = [];
  const match = (pattern: RegExp): string | undefined => stdout.split('\n').find((l) => pattern.test(l));
  const wake = (): void => {
    for (const w of [...waiters]) {
      const found = match(w.pattern);
      if (found === undefined && !exited) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(found);
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    wake();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      exited = true;
      wake();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid ?? 0,
    done,
    line: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        wake();
      }),
  };
}
