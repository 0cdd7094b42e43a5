import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer in front of several studio processes, as small as a test needs: each request goes to the
 * first upstream that accepts a connection (a dead one is skipped, as a balancer's health check would).
 * `loseNextAnswer(hook)` arms a fault for the next call: the upstream's whole answer is received, `hook`
 * runs with it (e.g. SIGKILLs that upstream), and the client's connection is then cut without the answer —
 * a studio process killed while the call was in flight, as the client sees it. `cutNextRequest(hook)` arms the
 * other fault: the next call's headers and half its body reach the first upstream, then `hook` runs (e.g.
 * SIGKILLs it) — a process killed before it could run the call; the client gets a gateway's 502.
 */
export interface Balancer {
  url: string;
  /** Which upstream answered each request, in order ('lost' marks an answer the client never got). */
  readonly log: { path: string; upstream: string; lost: boolean }[];
  loseNextAnswer(hook: (upstream: string, body: string) => Promise<void>): void;
  cutNextRequest(hook: (upstream: string) => Promise<void>): void;
  close(): Promise<void>;
}

export async function startBalancer(upstreams: string[]): Promise<Balancer> {
  let lose: ((upstream: string, body: string) => Promise<void>) | null = null;
  let cut: ((upstream: string) => Promise<void>) | null = null;
  const log: Balancer['log'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        for (const up of upstreams) {
          let answer: { res: IncomingMessage; body: Buffer };
          const cutHere = cut;
          cut = null;
          try {
            answer = await forward(up, req, body, cutHere ? () => cutHere(up) : undefined);
          } catch {
            if (!cutHere) continue; // refused before the request went out: the next upstream
            // Cut off mid-request: what a gateway answers, so the client (not the balancer) decides to retry.
            log.push({ path: req.url ?? '', upstream: up, lost: true });
            res.writeHead(502, { 'content-type': 'text/plain' });
            res.end('the upstream was cut off mid-request');
            return;
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
    cutNextRequest(hook) {
      cut = hook;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: string, req: IncomingMessage, body: Buffer, cutAfterHalf?: () => Promise<void>): Promise<{ res: IncomingMessage; body: Buffer }> {
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
    if (!cutAfterHalf) return void out.end(body);
    // Half the body, then the fault: the upstream has the call's start and never its end.
    out.write(body.subarray(0, Math.floor(body.length / 2)), () => void cutAfterHalf());
  });
}
