// `ferry status --web`: the live page on loopback only (the state holds no credential, but a migration's
// facts are still nobody else's business). Serves the page and the state it polls, read fresh each time.
import { createServer, type Server } from 'node:http';
import type { StateStore } from '../state/state-store.js';
import { renderHtmlPage } from './html-page.js';

export const LOOPBACK = '127.0.0.1';

export async function serveStatusPage(
  store: StateStore,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    store
      .load()
      .then((state) => {
        if (!state) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no such migration\n');
        } else if (path === '/state.json') {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify(state));
        } else if (path === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(renderHtmlPage(state, { live: true }));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        }
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://${LOOPBACK}:${bound}/` };
}
