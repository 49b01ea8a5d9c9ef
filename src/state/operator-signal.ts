// `ferry pause` from another shell drops a file next to the state; the runner looks for it at every step
// boundary and checkpoint. A separate file, because the runner owns state.json and rewrites it as it goes.
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'pause-requested';

export async function requestPause(dir: string): Promise<void> {
  await writeFile(join(dir, FILE), new Date().toISOString());
}

export async function clearPause(dir: string): Promise<void> {
  await rm(join(dir, FILE), { force: true });
}

export async function pauseRequested(dir: string): Promise<boolean> {
  try {
    await access(join(dir, FILE));
    return true;
  } catch {
    return false;
  }
}
