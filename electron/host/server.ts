import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, type ErrorPayload } from '../../shared/errors';
import type { Role } from '../../shared/contract';
import type { Core } from '../core/createCore';
import { bearerToken, cookieValue, sessionCookie, TokenTable } from './auth';
import { TokenBucket } from '../core/queue/resilience/tokenBucket';
import { hearsEvent, isLanPeer, isLoopbackAddress, lanInterfaces, mediaClassFor } from './reviewAccess';
import { statusFor } from './httpStatus';
import type { MediaResolver } from '../core/media/mediaResolver';
import { serveMedia } from './mediaRoute';
import { moneyFor } from '../core/policy/moneyForRole';
import { StaticFiles } from './staticFiles';

export interface HostOptions {
  core: Core;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** Port to bind on 127.0.0.1; 0 or undefined picks a free one. */
  port?: number;
  /** Extra origins allowed to call (the Vite dev server in `npm run dev`). */
  extraOrigins?: string[];
  maxBodyBytes?: number;
  maxConnections?: number;
  /** Media id → file for GET /media/<id> (default: core.resolveMedia). */
  resolveMedia?: MediaResolver;
  /**
   * LAN review (off by default): listen on every interface, accept this machine's LAN addresses as
   * Host, and take peers from this machine's own subnets only. The owner token still works from loopback only.
   */
  lan?: boolean;
  /** Requests per connection over HTTP: burst, then per second (429 RATE_LIMITED past it). */
  rateLimit?: { burst: number; perSecond: number };
  /** Messages per WebSocket: burst, then per second (closed with 1008 past it). */
  wsRateLimit?: { burst: number; perSecond: number };
}

export interface RunningHost {
  url: string;
  /** The URL with the owner token in its fragment: open this in a browser. */
  openUrl: string;
  port: number;
  ownerToken: string;
  tokens: TokenTable;
  /** With `lan`: the base URL on each LAN address of this machine. */
  lanUrls: string[];
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/**
 * The browser host: the contract over HTTP (POST /rpc/<name>) and one WebSocket (/events),
 * plus the built renderer. Loopback only, a per-launch token, Host and Origin allowlists.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const { core } = opts;
  const tokens = new TokenTable();
  const ownerToken = tokens.issue('owner', 'local owner');
  const files = new StaticFiles(opts.rendererDir);
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  let port = 0;
  const lan = opts.lan ? lanInterfaces() : [];
  const lanIps = lan.map((i) => i.address);
  const lanSubnets = lan.map((i) => i.cidr);
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`, ...lanIps.map((ip) => `${ip}:${port}`)]);
  const allowedOrigins = () =>
    new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`, ...lanIps.map((ip) => `http://${ip}:${port}`), ...(opts.extraOrigins ?? [])]);
  // Rate limits run on wall time, whatever clock core was given (tests hand core a fake one).
  const clock = { now: () => performance.now() };
  const httpLimit = opts.rateLimit ?? { burst: 600, perSecond: 200 };
  const wsLimit = opts.wsRateLimit ?? { burst: 20, perSecond: 5 };
  const buckets = new WeakMap<object, TokenBucket>();
  /** One budget per TCP connection (keep-alive requests share it). */
  const withinBudget = (req: IncomingMessage): boolean => {
    let b = buckets.get(req.socket);
    if (!b) buckets.set(req.socket, (b = new TokenBucket({ capacity: httpLimit.burst, refillPerSec: httpLimit.perSecond }, clock)));
    return b.tryTake();
  };
  /** With LAN on, peers from beyond this machine's subnets are refused; without it, only loopback can connect at all. */
  const peerAllowed = (req: IncomingMessage) => (opts.lan ? isLanPeer(req.socket.remoteAddress, lanSubnets) : true);

  const csp = () =>
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' blob: data:",
      "media-src 'self' blob:",
      `connect-src 'self' ws://${LOOPBACK}:${port} ws://localhost:${port}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(data);
  };
  const sendError = (res: ServerResponse, error: ErrorPayload) => sendJson(res, statusFor(error.code), { ok: false, error });

  /** Host header check (DNS rebinding) and Origin check (cross-site), shared by HTTP and upgrade. */
  const checkHostAndOrigin = (req: IncomingMessage, requireOrigin: boolean): ErrorPayload | null => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) {
      return { code: 'FORBIDDEN', message: `Host "${host}" is not allowed; open Circle Take at http://${LOOPBACK}:${port}/.` };
    }
    const origin = req.headers.origin;
    if (origin === undefined ? requireOrigin : !allowedOrigins().has(origin)) {
      return { code: 'FORBIDDEN', message: `Origin "${origin ?? '(none)'}" is not allowed to use this Circle Take host.` };
    }
    return null;
  };

  /** The token's role and label; the owner token counts only from this machine (loopback). */
  // A token is this process's (the owner's, or one `circletake review` printed) or a review link made in the app (any process).
  const sessionFromRequest = async (req: IncomingMessage, allowCookie: boolean): Promise<{ role: Role; label: string; token: string; linkId?: string } | null> => {
    const candidates = [bearerToken(req.headers.authorization), allowCookie ? cookieValue(req.headers.cookie, sessionCookie(port)) : null];
    for (const token of candidates) {
      if (!token) continue;
      const entry = tokens.entryOf(token);
      if (entry?.role === 'owner' && !isLoopbackAddress(req.socket.remoteAddress)) return null;
      if (entry) return { ...entry, token };
      const link = await core.reviewLinks.lookup(token);
      if (link) return { role: link.role, label: link.name, token, linkId: link.id };
    }
    return null;
  };
  const roleFromRequest = async (req: IncomingMessage, allowCookie: boolean): Promise<Role | null> => (await sessionFromRequest(req, allowCookie))?.role ?? null;

  /**
   * The request body, up to maxBody bytes. A longer one is read to its end and dropped (so the client
   * can read our 413 instead of a reset); only a sender far past the limit gets the socket closed.
   */
  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const tooLarge = () => new AppError('TOO_LARGE', `Request body is larger than the limit of ${maxBody} bytes; send less.`, { field: '(body)', limitBytes: maxBody });
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBody) chunks.push(c);
        else if (size > maxBody * 16) {
          reject(tooLarge());
          req.destroy();
        }
      });
      req.on('end', () => (size > maxBody ? reject(tooLarge()) : resolveBody(Buffer.concat(chunks))));
      req.on('error', reject);
    });

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    const session = await sessionFromRequest(req, false);
    const role = session?.role;
    if (!session || !role) return sendError(res, { code: 'UNAUTHORIZED', message: 'Missing or wrong token. Open the URL Circle Take printed (it carries the token).' });
    let input: unknown = {};
    try {
      const body = await readBody(req);
      if (body.length > 0) input = JSON.parse(body.toString('utf8'));
    } catch (e) {
      if (e instanceof AppError) return sendError(res, e.toPayload());
      return sendError(res, { code: 'VALIDATION', message: `Malformed JSON body (${(e as Error).message}).`, details: { field: '(body)' } });
    }
    const result = await core.dispatch(name, input, { role, door: 'host', ...(role === 'owner' ? {} : { author: session.label }) });
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.setHeader('connection', 'close');
      return sendError(res, { code: 'VALIDATION', message: 'The path is not valid %-encoding; encode it with encodeURIComponent.', details: { field: '(path)' } });
    }
    if (!peerAllowed(req)) return sendError(res, { code: 'FORBIDDEN', message: 'Only machines on the local network may use this review server.' });
    const bad = checkHostAndOrigin(req, false);
    if (bad) return sendError(res, bad);
    if (!withinBudget(req)) {
      res.setHeader('retry-after', '1');
      return sendError(res, { code: 'RATE_LIMITED', message: 'Too many requests on this connection; slow down and try again in a second.' });
    }

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendError(res, { code: 'VALIDATION', message: 'Calls are POST /rpc/<name> with a JSON body.' });
      }
      return handleRpc(req, res, path.slice('/rpc/'.length));
    }
    if (url.pathname === '/session') {
      if (req.method !== 'POST') return sendError(res, { code: 'VALIDATION', message: 'POST /session with the token header.' });
      const session = await sessionFromRequest(req, false);
      if (!session) return sendError(res, { code: 'UNAUTHORIZED', message: 'Missing or wrong token.' });
      res.setHeader('set-cookie', `${sessionCookie(port)}=${session.token}; HttpOnly; SameSite=Strict; Path=/`);
      return sendJson(res, 200, { ok: true, value: { role: session.role } });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, { code: 'NOT_FOUND', message: `No route for ${req.method} ${url.pathname}.` });
    if (url.pathname.startsWith('/media/')) {
      // Token via header or the session cookie (a <video src> cannot send headers).
      const mediaRole = await roleFromRequest(req, true);
      if (!mediaRole) return sendError(res, { code: 'UNAUTHORIZED', message: 'Missing or wrong token for media. Open the URL Circle Take printed.' });
      // Reviewers stream previews only: a release id resolves to nothing for them (404).
      const resolveMedia = opts.resolveMedia ?? core.resolveMedia;
      const cls = mediaClassFor(mediaRole);
      return serveMedia(req, res, url.pathname.slice('/media/'.length), (id) => resolveMedia(id, cls), sendError);
    }
    const file = files.get(url.pathname);
    if (!file) {
      if (!files.isBuilt) return sendError(res, { code: 'NOT_FOUND', message: 'The renderer is not built yet: run `npm run build`.' });
      return sendError(res, { code: 'NOT_FOUND', message: `No file at ${url.pathname}.` });
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': csp(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.type.startsWith('text/html') ? 'no-store' : 'max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      core.ports.logger.log('error', 'host request failed', { error: String(e) });
      if (!res.headersSent) sendError(res, { code: 'INTERNAL', message: 'Internal error; it has been logged.' });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Map<WebSocket, { role: Role; token: string; linkId?: string }>();
  // A revoked token's sockets close at once (1008), as its HTTP calls start getting 401.
  const offRevoke = tokens.onRevoke((token) => {
    for (const [ws, c] of clients) if (c.token === token) ws.close(1008, 'token revoked');
  });
  const maxConnections = opts.maxConnections ?? 32;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      const code = ({ 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 503: 'RATE_LIMITED' } as const)[status as 401 | 403 | 404 | 503];
      const body = JSON.stringify({ ok: false, error: { code, message: `${text}: the events socket is GET /events with the session's token, from the app's own origin.` } });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname !== '/events') return refuse(404, 'Not Found');
    if (!peerAllowed(req) || checkHostAndOrigin(req, true)) return refuse(403, 'Forbidden');
    // A review link's token is looked up in the database (any process may have made or revoked it).
    sessionFromRequest(req, true).then(
      (session) => {
        if (!session) return refuse(401, 'Unauthorized');
        if (clients.size >= maxConnections) return refuse(503, 'Service Unavailable');
        wss.handleUpgrade(req, socket, head, (ws) => {
          clients.set(ws, { role: session.role, token: session.token, ...(session.linkId ? { linkId: session.linkId } : {}) });
          ws.on('close', () => clients.delete(ws));
          // Clients never need to send; anything they send is ignored, and a flood closes the socket
          // (1008). A message over maxPayload is closed by ws itself (1009).
          const bucket = new TokenBucket({ capacity: wsLimit.burst, refillPerSec: wsLimit.perSecond }, clock);
          // ws reports a protocol violation (e.g. over maxPayload) as an error before closing; unheard it would crash the host.
          ws.on('error', (e) => core.ports.logger.log('warn', 'events socket closed on a protocol error', { error: e.message }));
          ws.on('message', () => {
            if (!bucket.tryTake() && ws.readyState === ws.OPEN) ws.close(1008, 'too many messages');
          });
        });
      },
      (e: unknown) => {
        core.ports.logger.log('error', 'events socket: the session could not be looked up', { error: String(e) });
        refuse(503, 'Service Unavailable');
      },
    );
  });

  const unsubscribe = core.events.subscribeLive((event, payload) => {
    // A link revoked in any process: its sockets here close at once, as its calls start getting 401.
    if (event === 'review.changed' && (payload as { kind: string }).kind === 'revoked') {
      const id = (payload as { link: { id: string } }).link.id;
      for (const [ws, c] of clients) if (c.linkId === id) ws.close(1008, 'link revoked');
    }
    // One message per role that hears it (a reviewer's carries no money), built once per event.
    const msgs = new Map<Role, string>();
    for (const [ws, c] of clients) {
      if (ws.readyState !== ws.OPEN || !hearsEvent(c.role, event)) continue;
      let msg = msgs.get(c.role);
      if (msg === undefined) msgs.set(c.role, (msg = JSON.stringify({ event, payload: moneyFor(c.role, payload) })));
      ws.send(msg);
    }
  });

  await new Promise<void>((resolveListen, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new AppError(
            'PORT_IN_USE',
            `Port ${opts.port} is already in use on ${LOOPBACK}. Pick another with --port N, or leave --port off and Circle Take picks a free one.`,
            { port: opts.port },
          ),
        );
      } else reject(e);
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, opts.lan ? '0.0.0.0' : LOOPBACK, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.maxConnections = 256;
  const url = `http://${LOOPBACK}:${port}/`;
  const lanUrls = lanIps.map((ip) => `http://${ip}:${port}/`);
  const reviewServer = { baseUrls: async () => ({ local: url, lan: lanUrls }) };
  core.reviewLinks.serveAt(reviewServer);

  return {
    url,
    openUrl: `${url}#token=${ownerToken}`,
    port,
    ownerToken,
    tokens,
    lanUrls,
    async close() {
      core.reviewLinks.serveAt(null);
      unsubscribe();
      offRevoke();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
