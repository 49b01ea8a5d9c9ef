// Operator signals from another shell (`ferry pause`, `ferry switch`): a file dropped next to the state, looked
// for at every step boundary and capture round. Files, because the running process owns state.json.
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type OperatorSignal = 'pause' | 'switch';

const FILES: Record<OperatorSignal, string> = { pause: 'pause-requested', switch: 'switch-done' };

export async function raiseSignal(dir: string, signal: OperatorSignal): Promise<void> {
  await writeFile(join(dir, FILES[signal]), new Date().toISOString());
}

export async function clearSignal(dir: string, signal: OperatorSignal): Promise<void> {
  await rm(join(dir, FILES[signal]), { force: true });
}

export async function signalRaised(dir: string, signal: OperatorSignal): Promise<boolean> {
  try {
    await access(join(dir, FILES[signal]));
    return true;
  } catch {
    return false;
  }
}
