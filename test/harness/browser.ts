// Headless Chromium for the page tests: Debian's `chromium` driven by playwright-core (no browser download).
// Installed with apt-get when missing and we are root, so a fresh CI machine can run the test.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${CHROMIUM} is missing and this is not root: install Debian's chromium package first`);
  // No question may wait for an answer on a CI machine.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: 600_000 });
  try {
    apt(['install', '-y', 'chromium']);
  } catch {
    apt(['update']);
    apt(['install', '-y', 'chromium']);
  }
}

export interface Browser {
  context: BrowserContext;
  /** Requests that would have left the machine (blocked). */
  external: string[];
  close(): Promise<void>;
}

/** A fresh profile; every request off loopback or file: is refused and recorded. */
export async function openBrowser(): Promise<Browser> {
  ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'ferry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('http://127.0.0.1:') || url.startsWith('data:'))
      return route.continue();
    external.push(url);
    return route.abort();
  });
  return { context, external, close: () => context.close() };
}
