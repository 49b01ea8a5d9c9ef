// The NDJSON report: one line per differing document, with what each side holds, so an operator (or a repair
// step) can act on every id without running verify again.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { DocRecord, ReportedDifference } from './types.js';

export interface ReportLine {
  id: string;
  class: string;
  /** Still changing after every re-check; `class` is the last difference seen. */
  in_flux: boolean;
  source: SideLine | null;
  dest: SideLine | null;
}

interface SideLine {
  version: number;
  routing: string | null;
  seq_no: number | null;
  hash?: string;
}

export function reportLine(d: ReportedDifference): ReportLine {
  return { id: d.id, class: d.class, in_flux: d.inFlux, source: side(d.source), dest: side(d.dest) };
}

function side(r: DocRecord | undefined): SideLine | null {
  if (!r) return null;
  return {
    version: r.version,
    routing: r.routing ?? null,
    seq_no: r.seqNo ?? null,
    ...(r.hash !== undefined ? { hash: r.hash } : {}),
  };
}

export class ReportFile {
  private readonly stream: WriteStream;

  private constructor(stream: WriteStream) {
    this.stream = stream;
  }

  static async open(path: string): Promise<ReportFile> {
    const stream = createWriteStream(path, { flags: 'w' });
    await once(stream, 'open');
    return new ReportFile(stream);
  }

  async write(differences: readonly ReportedDifference[]): Promise<void> {
    for (const d of differences) {
      if (!this.stream.write(`${JSON.stringify(reportLine(d))}\n`)) await once(this.stream, 'drain');
    }
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
