import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { main } from '../../electron/host/cli';
import { needsOn, studioDatabase } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith, need } from '../support/needs';
import { startS3, type TestS3 } from '../support/s3Server';
import { tempDir } from '../support/tmp';

// `circletake studio`: the studio server as separate processes on one PostgreSQL database and one bucket.
// Nothing one process needs lives in another's memory: an event made through A reaches B's sockets, and
// an Idempotency-Key answered by A (then SIGKILLed) is answered again by B without running the call twice.

const ADMIN = randomBytes(32).toString('hex');
const opensslNeed = need('openssl (to make a self-signed certificate)', spawnSync('openssl', ['version']).status === 0);
let s3: TestS3;
let dir: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  s3 = await startS3('circletake-studio');
  dir = tempDir('ct-studio-');
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await s3?.close();
  dir?.cleanup();
});

interface Ready {
  url: string;
  port: number;
  pid: number;
}

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CIRCLETAKE_STUDIO_TOKEN: ADMIN,
    CIRCLETAKE_STORE_URL: s3.url('studio'),
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
}

/** One `circletake studio` process; resolves with its --json line. */
function startStudio(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', '--json', '--data-dir', dir.dir, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ready: JSON.parse(line) as Ready }));
    child.once('exit', (code) => reject(new Error(`the studio exited before it started (${code}): ${err}`)));
  });
}

const call = (base: string, name: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(`${base}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}`, ...headers }, body: JSON.stringify(body) });

const submit = {
  params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over a wet beach' },
  projectName: 'Studio',
  noCache: true,
};

describeWith(needsOn('postgres'), 'circletake studio (two processes, one database)', () => {
  it('delivers a change made through one process to a socket on another within 1 s', async () => {
    const databaseUrl = await studioDatabase();
    const [a, b] = await Promise.all([startStudio(['--database-url', databaseUrl]), startStudio(['--database-url', databaseUrl])]);
    const ws = new WebSocket(`${b.ready.url.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${ADMIN}`, origin: b.ready.url.replace(/\/$/, '') } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`events socket refused: ${res.statusCode}`)));
    });
    const heard = new Promise<{ event: string; payload: { project?: { name: string } } }>((resolve) =>
      ws.on('message', (m: Buffer) => {
        const msg = JSON.parse(m.toString()) as { event: string; payload: { project?: { name: string } } };
        if (msg.event === 'projects.changed') resolve(msg);
      }),
    );
    const made = await call(a.ready.url, 'projects.create', { name: 'Made on A' });
    expect(made.status).toBe(200);
    const t0 = Date.now();
    const within = await Promise.race([heard.then((m) => m), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
    expect(within, 'B\'s socket heard nothing within 1 s of A\'s change').not.toBeNull();
    expect(JSON.stringify(within)).toContain('Made on A');
    expect(Date.now() - t0).toBeLessThan(1000);
    ws.close();
  });

  it('answers an Idempotency-Key repeated on another process after the first was SIGKILLed, without a second reservation', async () => {
    const databaseUrl = await studioDatabase();
    const [a, b] = await Promise.all([startStudio(['--database-url', databaseUrl]), startStudio(['--database-url', databaseUrl])]);
    const key = `submit-${randomBytes(8).toString('hex')}`;
    const first = await call(a.ready.url, 'jobs.submit', submit, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    const jobId = (first.json() as { value: { jobId: string } }).value.jobId;
    await new Promise<void>((resolve) => {
      a.child.once('exit', () => resolve());
      a.child.kill('SIGKILL');
    });
    const again = await call(b.ready.url, 'jobs.submit', submit, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.json() as { value: { jobId: string } }).value.jobId).toBe(jobId);
    const changed = await call(b.ready.url, 'jobs.submit', { ...submit, projectName: 'Other' }, { 'idempotency-key': key });
    expect(changed.status).toBe(400);
    expect(changed.json()).toMatchObject({ error: { code: 'VALIDATION', details: { field: 'Idempotency-Key' } } });

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const ops = await db.query<{ n: string }>("SELECT count(*) AS n FROM ledger_ops WHERE kind = 'reserve'");
      expect(Number(ops.rows[0]!.n)).toBe(1);
      const jobs = await db.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
      expect(Number(jobs.rows[0]!.n)).toBe(1);
    } finally {
      await db.end();
    }
    // Without the key the same request is a new call (noCache): the key is what made the repeat safe.
    expect((await call(b.ready.url, 'jobs.submit', submit)).status).toBe(200);
  });
});

describeWith([...needsOn('postgres'), opensslNeed], 'circletake studio over TLS', () => {
  /** The CLI in this process: every refusal here happens before anything opens. */
  const run = async (args: string[]) => {
    let stderr = '';
    const status = await main(['studio', ...args], { out: () => undefined, err: (t) => (stderr += `${t}\n`) });
    return { status, stderr };
  };

  it('names a missing, foreign or mismatched --cert/--key at start (exit 2), and refuses a plain bind beyond loopback', async () => {
    const missing = await run(['--database-url', 'postgres://u@127.0.0.1:1/x', '--cert', join(dir.dir, 'nope.pem'), '--key', join(dir.dir, 'nope.key')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--cert .*nope\.pem cannot be read \(no such file\)/);
    const garbage = join(dir.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    const notPem = await run(['--database-url', 'postgres://u@127.0.0.1:1/x', '--cert', garbage, '--key', garbage]);
    expect(notPem.status).toBe(2);
    expect(notPem.stderr).toContain(`--cert ${garbage} is not a PEM certificate`);
    const [c1, k1] = selfSigned('one');
    const [, k2] = selfSigned('two');
    const mismatch = await run(['--database-url', 'postgres://u@127.0.0.1:1/x', '--cert', c1, '--key', k2]);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toContain(`--key ${k2} does not belong to --cert ${c1}`);
    expect(k1).toBeTruthy();
    const open = await run(['--database-url', 'postgres://u@127.0.0.1:1/x', '--host', '0.0.0.0']);
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/--host 0\.0\.0\.0 .*--cert FILE --key FILE.*--trusted-proxy/);
  });

  it('serves https with a self-signed certificate', async () => {
    const databaseUrl = await studioDatabase();
    const [cert, key] = selfSigned('tls');
    const { ready } = await startStudio(['--database-url', databaseUrl, '--cert', cert, '--key', key]);
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(`${ready.url}rpc/projects.list`, { method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(answer).toMatchObject({ status: 200 });
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true });
    // Plain HTTP on the TLS port gets no answer.
    await expect(rawRequest(`${ready.url.replace('https', 'http')}rpc/projects.list`, { method: 'POST' })).rejects.toThrow();
  });
});

/** A throwaway self-signed certificate and its key, made with openssl. */
function selfSigned(name: string): [string, string] {
  const cert = join(dir.dir, `${name}.crt`);
  const key = join(dir.dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return [cert, key];
}
