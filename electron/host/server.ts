import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { isIPv6, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError, type ErrorPayload } from '../../shared/errors';
import { isCallName, mayCall, neededRoles, refusalFor, type Role } from '../../shared/contract';
import type { CallContext } from '../core/dispatch';
import type { HostCore } from './hostCore';
import { bearerToken, cookieValue, sessionCookie, TokenTable } from './auth';
import { isLanPeer, isLoopbackAddress, lanInterfaces, mediaClassFor } from './reviewAccess';
import { checkBind, isLoopbackBind, peerOf, TrustedProxies } from './hostNetwork';
import { eventsSocket } from './eventsSocket';
import { statusFor } from './httpStatus';
import type { MediaResolver } from '../core/media/mediaResolver';
import { serveMedia } from './mediaRoute';
import { serveExport } from './exportRoute';
import { StaticFiles } from './staticFiles';
import { contentSecurityPolicy, readBody, RequestBudgets, sendJson } from './hostHttp';
import type { IdempotencyKeys } from './studio/idempotencyKeys';
import { HEARTBEAT_HEADER } from './studio/heartbeat';
import { answerCall, callerOf } from './studio/idempotentCall';

export interface HostOptions {
  core: HostCore;
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
  /**
   * Who a presented token belongs to when it is none of this process's own and no review link: a
   * studio's members (tokens kept in its database, so every studio process knows them). `{ reason }`
   * refuses it with that reason (expired, revoked) as 401; null is an unknown token.
   */
  authenticate?: (token: string) => Promise<AuthAnswer>;
  /**
   * The address to bind (default 127.0.0.1; `lan` binds every interface). Beyond loopback it needs `tls`
   * or `trustedProxies`, and then any Host name is accepted (the tokens, not the name, are the guard).
   */
  host?: string;
  /** Serve HTTPS (and WSS) with this certificate chain and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For / X-Forwarded-Proto are believed.
   * From any other peer those headers are ignored.
   */
  trustedProxies?: readonly string[];
  /**
   * Answer each mutating call at most once per Idempotency-Key header (kept in the database, so any
   * process on it honours a key). Without it the header is ignored.
   */
  idempotency?: IdempotencyKeys;
  /**
   * The address members reach this host by (a studio behind a proxy: https://studio.example/): the base
   * of the links it makes (review links) and an allowed Origin. Default: the address it binds.
   */
  publicUrl?: string;
}

/** What `authenticate` says of a token. */
export type AuthAnswer = { role: Role; label: string; memberId?: string } | { reason: string } | null;

/** The caller a request was made by. */
export interface HostSession {
  role: Role;
  label: string;
  token: string;
  linkId?: string;
  memberId?: string;
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
  /** `publicUrl` as given (its root), else `url`. */
  publicUrl: string;
  /**
   * Stops the host. With `drainMs`, it first stops taking connections and lets the calls in flight finish
   * (up to that long) before cutting what is left: a studio process stopped by its load balancer
   * answers what it started.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const WILDCARD = new Set(['0.0.0.0', '::', '']);

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
  const proxies = opts.trustedProxies && opts.trustedProxies.length > 0 ? new TrustedProxies(opts.trustedProxies) : null;
  const isTls = opts.tls !== undefined;
  const scheme = isTls ? 'https' : 'http';
  const bindHost = opts.host ?? (opts.lan ? '0.0.0.0' : LOOPBACK);
  // LAN review keeps its own guard (peers from this machine's subnets only); any other bind beyond loopback needs TLS or a proxy.
  if (opts.host !== undefined) checkBind(opts.host, isTls, proxies);
  // A studio (bound beyond loopback, or behind a proxy) is reached by whatever name its members use.
  const anyHost = proxies !== null || (opts.host !== undefined && !isLoopbackBind(opts.host));
  const shownHost = WILDCARD.has(bindHost) || bindHost === 'localhost' ? LOOPBACK : isIPv6(bindHost) ? `[${bindHost}]` : bindHost;
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`, `${shownHost}:${port}`, ...lanIps.map((ip) => `${ip}:${port}`)]);
  const allowedOrigins = () =>
    new Set([
      `${scheme}://${LOOPBACK}:${port}`,
      `${scheme}://localhost:${port}`,
      `${scheme}://${shownHost}:${port}`,
      ...lanIps.map((ip) => `${scheme}://${ip}:${port}`),
      ...(opts.extraOrigins ?? []),
      ...(opts.publicUrl ? [new URL(opts.publicUrl).origin] : []),
    ]);
  // Rate limits run on wall time, whatever clock core was given (tests hand core a fake one).
  const clock = { now: () => performance.now() };
  const httpLimit = opts.rateLimit ?? { burst: 600, perSecond: 200 };
  const wsLimit = opts.wsRateLimit ?? { burst: 20, perSecond: 5 };
  const budgets = new RequestBudgets(httpLimit, clock, (req) => (proxies?.has(req.socket.remoteAddress) ? peerOf(req, proxies, isTls).address : null));
  const withinBudget = (req: IncomingMessage) => budgets.take(req);
  // Every studio process behind one name must read the same cookie; a loopback host keeps one per port.
  const cookieName = anyHost ? 'ct_studio_session' : null;
  const cookieOf = () => cookieName ?? sessionCookie(port);
  /** With LAN on, peers from beyond this machine's subnets are refused; without it, only loopback can connect at all. */
  const peerAllowed = (req: IncomingMessage) => (opts.lan ? isLanPeer(peerOf(req, proxies, isTls).address, lanSubnets) : true);

  const ws = isTls ? 'wss' : 'ws';
  const csp = () => contentSecurityPolicy([`${ws}://${LOOPBACK}:${port}`, `${ws}://localhost:${port}`]);

  const sendError = (res: ServerResponse, error: ErrorPayload) => sendJson(res, statusFor(error.code), { ok: false, error });

  /** Host header check (DNS rebinding) and Origin check (cross-site), shared by HTTP and upgrade. */
  const checkHostAndOrigin = (req: IncomingMessage, requireOrigin: boolean): ErrorPayload | null => {
    const host = req.headers.host ?? '';
    if (!anyHost && !allowedHosts().has(host)) {
      return { code: 'FORBIDDEN', message: `Host "${host}" is not allowed; open Circle Take at ${scheme}://${LOOPBACK}:${port}/.` };
    }
    const origin = req.headers.origin;
    // A studio's own origin is the name the member reached it by, as the client sees it (the proxy's scheme).
    const sameOrigin = anyHost && host !== '' && origin === `${peerOf(req, proxies, isTls).proto}://${host}`;
    if (origin === undefined ? requireOrigin : !sameOrigin && !allowedOrigins().has(origin)) {
      return { code: 'FORBIDDEN', message: `Origin "${origin ?? '(none)'}" is not allowed to use this Circle Take host.` };
    }
    return null;
  };

  /**
   * The caller: a token of this process (the owner's, from this machine only; or one `circletake review`
   * printed), a review link made in the app (any process), or a member `authenticate` knows. `{ reason }`
   * is a token refused with a reason (expired, revoked); null is none that counts.
   */
  const sessionFromRequest = async (req: IncomingMessage, allowCookie: boolean): Promise<HostSession | { reason: string } | null> => {
    const candidates = [bearerToken(req.headers.authorization), allowCookie ? cookieValue(req.headers.cookie, cookieOf()) : null];
    let refused: { reason: string } | null = null;
    for (const token of candidates) {
      if (!token) continue;
      const entry = tokens.entryOf(token);
      if (entry?.role === 'owner' && !isLoopbackAddress(peerOf(req, proxies, isTls).address)) return null;
      if (entry) return { ...entry, token };
      const link = await core.reviewLinks.lookup(token);
      if (link) return { role: link.role, label: link.name, token, linkId: link.id };
      const member = opts.authenticate ? await opts.authenticate(token) : null;
      if (member && 'reason' in member) refused ??= member;
      else if (member) return { role: member.role, label: member.label, token, ...(member.memberId ? { memberId: member.memberId } : {}) };
    }
    return refused;
  };
  const isSession = (s: HostSession | { reason: string } | null): s is HostSession => s !== null && !('reason' in s);
  const unauthorized = (s: { reason: string } | null, what: string): ErrorPayload => ({
    code: 'UNAUTHORIZED',
    message: s ? `The token was refused: ${s.reason}` : what,
  });

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    const found = await sessionFromRequest(req, false);
    const session = isSession(found) ? found : null;
    // Accepting an invite needs no session (the invite's secret is the proof); every other call needs a token.
    const isGuestCall = isCallName(name) && mayCall('guest', name);
    if (!session && !isGuestCall) return sendError(res, unauthorized(found as { reason: string } | null, 'Missing or wrong token. Open the URL Circle Take printed (it carries the token).'));
    let input: unknown = {};
    try {
      const body = await readBody(req, maxBody);
      if (body.length > 0) input = JSON.parse(body.toString('utf8'));
    } catch (e) {
      if (e instanceof AppError) return sendError(res, e.toPayload());
      return sendError(res, { code: 'VALIDATION', message: `Malformed JSON body (${(e as Error).message}).`, details: { field: '(body)' } });
    }
    const ctx: CallContext = !session
      ? { role: 'guest', door: 'host' }
      : {
          role: session.role,
          door: 'host',
          ...(session.role === 'owner' && !session.memberId ? {} : { author: session.label }),
          ...(session.memberId ? { memberId: session.memberId } : {}),
        };
    const header = req.headers['idempotency-key'];
    if (typeof header === 'string' && core.relay) ctx.idempotencyKey = header; // a relay passes it on to the studio
    const o = { keys: session ? opts.idempotency : undefined, header: req.headers['idempotency-key'], caller: session ? callerOf(session) : 'guest', name, input, heartbeat: req.headers[HEARTBEAT_HEADER] === '1' };
    await answerCall(res, o, () => core.dispatch(name, input, ctx));
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
      if (!isSession(session)) return sendError(res, unauthorized(session, 'Missing or wrong token.'));
      const secure = peerOf(req, proxies, isTls).proto === 'https' ? '; Secure' : '';
      res.setHeader('set-cookie', `${cookieOf()}=${session.token}; HttpOnly; SameSite=Strict; Path=/${secure}`);
      // A relay's page is the studio member its token names; while the studio cannot say, the cookie still
      // opens the events socket, which tells the page when the studio is back.
      const role = core.relay ? await core.relay.sessionRole() : ({ ok: true, value: session.role } as const);
      return role.ok ? sendJson(res, 200, { ok: true, value: { role: role.value } }) : sendError(res, role.error);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, { code: 'NOT_FOUND', message: `No route for ${req.method} ${url.pathname}.` });
    if (url.pathname.startsWith('/media/')) {
      // Token via header or the session cookie (a <video src> cannot send headers).
      const mediaSession = await sessionFromRequest(req, true);
      if (!isSession(mediaSession)) return sendError(res, unauthorized(mediaSession, 'Missing or wrong token for media. Open the URL Circle Take printed.'));
      if (core.relay) return core.relay.forward(req, res, url.pathname.slice(1));
      const mediaRole = mediaSession.role;
      // Reviewers stream previews only: a release id resolves to nothing for them (404).
      const resolveMedia = opts.resolveMedia ?? core.resolveMedia;
      const cls = mediaClassFor(mediaRole);
      return serveMedia(req, res, url.pathname.slice('/media/'.length), (id) => resolveMedia(id, cls), sendError);
    }
    if (url.pathname.startsWith('/exports/')) {
      // A member's export by name, as a download: the session (bearer or cookie) must be one that may export.
      const s = await sessionFromRequest(req, true);
      if (!isSession(s)) return sendError(res, unauthorized(s, 'Missing or wrong token for an export.'));
      if (core.relay) return core.relay.forward(req, res, url.pathname.slice(1)); // the studio's export, its role check
      if (!mayCall(s.role, 'export.run')) return sendError(res, { code: 'FORBIDDEN', message: refusalFor(s.role, 'export.run'), details: { name: 'export.run', role: s.role, needs: neededRoles('export.run') } });
      return serveExport(req, res, path.slice('/exports/'.length), core.exportShelf, sendError);
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

  let inFlight = 0;
  let drained: (() => void) | null = null;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    if (drained) res.setHeader('connection', 'close'); // draining: the client's next request goes to another process
    handle(req, res).catch((e: unknown) => {
      core.ports.logger.log('error', 'host request failed', { error: String(e) });
      if (!res.headersSent) sendError(res, { code: 'INTERNAL', message: 'Internal error; it has been logged.' });
      else res.destroy();
    });
  };
  const server: Server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createServer(onRequest);

  const sockets = eventsSocket({ core, tokens, maxConnections: opts.maxConnections ?? 32, wsLimit, clock });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string, why?: string) => {
      const code = ({ 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 503: 'RATE_LIMITED' } as const)[status as 401 | 403 | 404 | 503];
      const body = JSON.stringify({ ok: false, error: { code, message: why ?? `${text}: the events socket is GET /events with the session's token, from the app's own origin.` } });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname !== '/events') return refuse(404, 'Not Found');
    if (!peerAllowed(req) || checkHostAndOrigin(req, true)) return refuse(403, 'Forbidden');
    // A review link's or a member's token is looked up in the database (any process may have made or revoked it).
    sessionFromRequest(req, true).then(
      (session) => {
        if (!isSession(session)) return refuse(401, 'Unauthorized', session ? `The token was refused: ${session.reason}` : undefined);
        if (sockets.isFull) return refuse(503, 'Service Unavailable');
        sockets.accept(req, socket, head, { role: session.role, token: session.token, ...(session.linkId ? { linkId: session.linkId } : {}), ...(session.memberId ? { memberId: session.memberId } : {}) });
      },
      (e: unknown) => {
        core.ports.logger.log('error', 'events socket: the session could not be looked up', { error: String(e) });
        refuse(503, 'Service Unavailable');
      },
    );
  });

  await new Promise<void>((resolveListen, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new AppError(
            'PORT_IN_USE',
            `Port ${opts.port} is already in use on ${bindHost}. Pick another with --port N, or leave --port off and Circle Take picks a free one.`,
            { port: opts.port },
          ),
        );
      } else reject(e);
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.maxConnections = 256;
  // Behind a load balancer idle connections are kept up to 60 s (a common default): the server must not
  // close one first, or a request that crossed the close is answered 502 by the balancer.
  if (proxies) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  const url = `${scheme}://${shownHost}:${port}/`;
  const lanUrls = lanIps.map((ip) => `http://${ip}:${port}/`);
  const publicUrl = opts.publicUrl ? new URL('/', opts.publicUrl).toString() : url;
  const reviewServer = { baseUrls: async () => ({ local: publicUrl, lan: lanUrls }) };
  core.reviewLinks.serveAt(reviewServer);

  return {
    url,
    publicUrl,
    openUrl: `${url}#token=${ownerToken}`,
    port,
    ownerToken,
    tokens,
    lanUrls,
    async close(closeOpts = {}) {
      core.reviewLinks.serveAt(null);
      sockets.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      if (closeOpts.drainMs && closeOpts.drainMs > 0) {
        const idle = new Promise<void>((r) => (drained = r));
        if (inFlight === 0) drained?.();
        server.closeIdleConnections();
        await Promise.race([idle, new Promise((r) => setTimeout(r, closeOpts.drainMs).unref())]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
