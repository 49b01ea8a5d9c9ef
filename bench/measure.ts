// Runs a command under /usr/bin/time -v and returns its wall time, peak RSS and output.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  peakRssMb: number | undefined;
  stdout: string;
  stderr: string;
  code: number;
}

export async function measure(command: string, args: string[], cwd: string): Promise<Measured> {
  const timeFile = join(tmpdir(), `ferry-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const { stdout, stderr, code } = await run('/usr/bin/time', ['-v', '-o', timeFile, command, ...args], cwd);
  const seconds = (performance.now() - started) / 1000;
  const report = await readFile(timeFile, 'utf8').catch(() => '');
  await rm(timeFile, { force: true });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1];
  return { seconds, peakRssMb: kb ? Number(kb) / 1024 : undefined, stdout, stderr, code };
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.length > 1_000_000) stdout = stdout.slice(-100_000);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}
