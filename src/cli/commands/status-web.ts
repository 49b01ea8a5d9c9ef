// `ferry status --web`: the live page, served on loopback until Ctrl-C.
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { serveStatusPage } from '../../report/status-server.js';
import type { StateStore } from '../../state/state-store.js';

export interface WebFlags {
  web?: boolean;
  port?: string;
}

export function addWebFlags(command: Command): Command {
  return command
    .option('--web', 'serve a live page with charts on 127.0.0.1 (until Ctrl-C)')
    .option('--port <n>', 'port of the --web page (default: a free one)', '0');
}

export async function serveUntilStopped(store: StateStore, portText = '0'): Promise<void> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(
      `--port ${portText} is not a port number.`,
      'Give --port <0-65535> (0: any free port).',
    );
  const { server, url } = await serveStatusPage(store, port);
  console.log(`live page: ${url}  (loopback only; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
