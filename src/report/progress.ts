// Progress of long steps as the operator sees it: a bar with rate and ETA on a terminal, plain log lines
// otherwise, JSON events for machines. Callers only see the Progress interface (core/progress.ts); the CLI picks
// the output.
import { type Progress, type ProgressTask, silentProgress } from '../core/progress.js';
import { formatDuration } from '../core/time.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'silent';

export function createProgress(
  mode: ProgressMode,
  out: NodeJS.WritableStream = process.stderr,
  now: () => number = Date.now,
): Progress {
  if (mode === 'silent') return silentProgress;
  return new StreamProgress(mode, out, now);
}

/** Rate over the whole task so far and the time left at that rate. */
export function rateAndEta(
  done: number,
  total: number | undefined,
  elapsedMs: number,
): { rate: number; etaSeconds: number | undefined } {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const etaSeconds = total !== undefined && rate > 0 ? Math.max(0, (total - done) / rate) : undefined;
  return { rate, etaSeconds };
}

class StreamProgress implements Progress {
  constructor(
    private readonly mode: Exclude<ProgressMode, 'silent'>,
    private readonly out: NodeJS.WritableStream,
    private readonly now: () => number,
  ) {}

  task(name: string, total: number | undefined, unit: string): ProgressTask {
    const started = this.now();
    let lastPrinted = 0;
    let currentTotal = total;
    let done = 0;
    const render = (final: boolean, detail?: string) => {
      const t = this.now();
      if (!final && t - lastPrinted < (this.mode === 'tty' ? 200 : 5000)) return;
      lastPrinted = t;
      const { rate, etaSeconds } = rateAndEta(done, currentTotal, t - started);
      if (this.mode === 'json') {
        this.emit({
          event: final ? 'task-done' : 'progress',
          task: name,
          done,
          total: currentTotal,
          unit,
          rate: Math.round(rate),
          etaSeconds,
          detail,
        });
        return;
      }
      const pct = currentTotal ? Math.min(100, (done / currentTotal) * 100) : undefined;
      const bar =
        pct === undefined
          ? ''
          : `[${'#'.repeat(Math.round(pct / 5)).padEnd(20, '.')}] ${pct.toFixed(1).padStart(5)}% `;
      const line = `${name} ${bar}${done}${currentTotal !== undefined ? `/${currentTotal}` : ''} ${unit}  ${Math.round(rate)} ${unit}/s  ETA ${final ? '0s' : formatDuration(etaSeconds)}${detail ? `  ${detail}` : ''}`;
      if (this.mode === 'tty') this.out.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
      else this.out.write(`${line}\n`);
    };
    return {
      update: (value, detail) => {
        done = value;
        render(false, detail);
      },
      setTotal: (value) => {
        currentTotal = value;
      },
      finish: (detail) => render(true, detail),
    };
  }

  info(message: string, data?: Record<string, unknown>): void {
    if (this.mode === 'json') this.emit({ event: 'info', message, ...data });
    else this.out.write(`${message}\n`);
  }

  warn(message: string, data?: Record<string, unknown>): void {
    if (this.mode === 'json') this.emit({ event: 'warning', message, ...data });
    else this.out.write(`warning: ${message}\n`);
  }

  private emit(event: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ time: new Date(this.now()).toISOString(), ...event })}\n`);
  }
}
