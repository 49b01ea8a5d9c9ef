// A pass-through HTTP proxy on loopback in front of a real test cluster, recording the Authorization header of
// every request: how a test sees what Ferry sends without a secured cluster and without printing the secret.
// It also counts requests and the bytes the cluster answered (what a benchmark calls the load on the source).
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The Authorization header of each request, in order (undefined when none was sent). */
  authorizations: (string | undefined)[];
  /** Requests passed on, and bytes of the cluster's answers (bodies) passed back; per kind when classified. */
  traffic: Traffic & { byKind: Record<string, Traffic> };
  close(): Promise<void>;
}

export interface Traffic {
  requests: number;
  bytesAnswered: number;
}

/** An answer the proxy gives itself, without passing the request on (a fault the cluster did not make). */
export interface CannedAnswer {
  status: number;
  body: unknown;
}

/**
 * `classify` names the kind of a request from its method and URL (path and query), for `traffic.byKind`;
 * `intercept` may answer a request itself (e.g. a busy refusal), so a fault happens every time it is asked for.
 */
export async function recordingProxy(
  target: string,
  classify: (method: string, url: string) => string = () => 'all',
  intercept: (method: string, url: string) => CannedAnswer | undefined = () => undefined,
): Promise<RecordingProxy> {
  const to = new URL(target);
  const authorizations: (string | undefined)[] = [];
  const traffic = { requests: 0, bytesAnswered: 0, byKind: {} as Record<string, Traffic> };
  const server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    const kind = classify(req.method ?? 'GET', req.url ?? '/');
    traffic.byKind[kind] ??= { requests: 0, bytesAnswered: 0 };
    const counted = traffic.byKind[kind];
    traffic.requests++;
    counted.requests++;
    const canned = intercept(req.method ?? 'GET', req.url ?? '/');
    if (canned) {
      req.resume();
      res.writeHead(canned.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(canned.body));
      return;
    }
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          traffic.bytesAnswered += chunk.length;
          counted.bytesAnswered += chunk.length;
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    traffic,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
