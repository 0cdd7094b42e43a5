import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer in front of several studio processes, as small as a test needs: each request goes to the
 * first upstream that accepts a connection (a dead one is skipped, as a balancer's health check would).
 * `loseNextAnswer(hook)` arms a fault for the next call: the upstream's whole answer is received, `hook`
 * runs with it (e.g. SIGKILLs that upstream), and the client's connection is then cut without the answer —
 * a studio process killed while the call was in flight, as the client sees it.
 */
export interface Balancer {
  url: string;
  /** Which upstream answered each request, in order ('lost' marks an answer the client never got). */
  readonly log: { path: string; upstream: string; lost: boolean }[];
  loseNextAnswer(hook: (upstream: string, body: string) => Promise<void>): void;
  close(): Promise<void>;
}

export async function startBalancer(upstreams: string[]): Promise<Balancer> {
  let lose: ((upstream: string, body: string) => Promise<void>) | null = null;
  const log: Balancer['log'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        for (const up of upstreams) {
          let answer: { res: IncomingMessage; body: Buffer };
          try {
            answer = await forward(up, req, body);
          } catch {
            continue; // refused or cut before an answer: the next upstream
          }
          const hook = lose;
          lose = null;
          if (hook) {
            log.push({ path: req.url ?? '', upstream: up, lost: true });
            await hook(up, answer.body.toString('utf8'));
            req.socket.destroy();
            return;
          }
          log.push({ path: req.url ?? '', upstream: up, lost: false });
          res.writeHead(answer.res.statusCode ?? 502, answer.res.headers);
          res.end(answer.body);
          return;
        }
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('no upstream answered');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    loseNextAnswer(hook) {
      lose = hook;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: string, req: IncomingMessage, body: Buffer): Promise<{ res: IncomingMessage; body: Buffer }> {
  const u = new URL(req.url ?? '/', upstream);
  // The studio checks Host against its own address: the balancer names the upstream, as a proxy rewriting Host does.
  const headers = { ...req.headers, host: u.host, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const out = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
