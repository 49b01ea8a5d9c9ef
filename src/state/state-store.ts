// Saves the migration record atomically (write a temporary file, fsync, rename) in a local folder:
// `<stateDir>/<id>/state.json`. Local rather than in a cluster because the operator's machine is the one
// place that is reachable whatever happens to either cluster, and `ferry status` must work when they are not.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { MigrationState } from './migration-state.js';

/** Where ended runs' folders are kept, inside the state folder; its name is no migration id (a leading dot). */
export const ARCHIVE_DIR = '.archive';

export class StateStore {
  readonly dir: string;
  private readonly file: string;
  /** Saves run one after another: a save started while one is writing waits for it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(stateDir: string, id: string) {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id)) {
      throw new ConfigError(
        `Migration id "${id}" has characters that cannot name a folder.`,
        'Use letters, digits, ".", "_" and "-".',
      );
    }
    this.dir = join(stateDir, id);
    this.file = join(this.dir, 'state.json');
  }

  async exists(): Promise<boolean> {
    return (await this.load()) !== undefined;
  }

  async load(): Promise<MigrationState | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text) as MigrationState;
  }

  /** Set by freeze(): an interrupted run's last word on disk stays its last. */
  private frozen = false;

  /** After this, save() does nothing: used when a run is stopped at once, while its steps still unwind. */
  async freeze(): Promise<void> {
    this.frozen = true;
    await this.queue;
  }

  save(state: MigrationState, now: Date = new Date()): Promise<void> {
    if (this.frozen) return Promise.resolve();
    const next = this.queue.then(() => this.write(state, now));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(state: MigrationState, now: Date): Promise<void> {
    state.updatedAt = now.toISOString();
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    const dirHandle = await open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }

  /**
   * Moves an ended run's whole folder (state, ledger, conflicts, signals) aside, kept for the operator, so the id
   * starts again from nothing: a new run never reads an old run's ledger or signals. Returns where it went.
   */
  async archive(state: MigrationState): Promise<string> {
    const kept = join(
      dirname(this.dir),
      ARCHIVE_DIR,
      `${basename(this.dir)}.${state.status}-${state.updatedAt.replace(/[:.]/g, '-')}`,
    );
    await mkdir(dirname(kept), { recursive: true });
    await rename(this.dir, kept);
    return kept;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
