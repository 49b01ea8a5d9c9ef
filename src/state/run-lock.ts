// One process at a time per migration: a lock file holding the owner's pid. A lock whose process is gone
// (killed with -9) is taken over, which is what makes "kill it and run again" work.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../core/errors.js';

/**
 * Another live ferry process runs this migration. Not a failure of the migration, and nothing was done: the
 * CLI exits 3 ("busy") so that a script can wait and try again rather than page someone.
 */
export class LockHeldError extends FerryError {
  constructor(readonly pid: number) {
    super(
      `busy: another ferry process runs this migration (it is already being run by process ${pid}).`,
      'Nothing was done. Watch it with `ferry status`, stop it with `ferry pause`, or run this command again once it has stopped.',
    );
  }
}

export class RunLock {
  private constructor(private readonly file: string) {}

  static async acquire(dir: string): Promise<RunLock> {
    const file = join(dir, 'run.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return new RunLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(await readFile(file, 'utf8').catch(() => '0'));
        if (owner && owner !== process.pid && processAlive(owner)) throw new LockHeldError(owner);
        await rm(file, { force: true });
      }
    }
    throw new FerryError(
      'Could not take the migration lock.',
      'Remove run.lock in the state folder if no ferry process is running.',
    );
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

/** Who holds the lock, for `ferry status`: a lock whose process is gone means nothing is running. */
export async function lockHolder(dir: string): Promise<{ pid: number; alive: boolean } | undefined> {
  const pid = Number(await readFile(join(dir, 'run.lock'), 'utf8').catch(() => '0'));
  return pid ? { pid, alive: processAlive(pid) } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
