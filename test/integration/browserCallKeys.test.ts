import { spawn, spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createInterface } from 'node:readline';
import { httpTransport } from '../../renderer/api/httpTransport';
import { rawRequest } from '../support/http';
import { tempDir } from '../support/tmp';

/**
 * The browser's HTTP transport (renderer/api/httpTransport.ts) against a real HTTP server on 127.0.0.1:
 * every call carries an Idempotency-Key, kept across the transport's own retries, so a call whose answer
 * was lost is repeated as the same request.
 */
const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ base: string; keys: (string | undefined)[] }> {
  const keys: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    keys.push(req.headers['idempotency-key'] as string | undefined);
    req.resume();
    req.on('end', () => handler(req, res, keys.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, keys };
}

const answer = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('the browser transport', () => {
  it('repeats a call whose answer was lost with the same Idempotency-Key, and returns the answer that came', async () => {
    // The first request arrives whole and its connection is cut before any answer; a gateway then answers 502; then the host answers.
    const s = await serve((_req, res, n) => {
      if (n === 1) return res.socket?.destroy();
      if (n === 2) return void res.writeHead(502).end('Bad Gateway');
      answer(res, { ok: true, value: { id: 'prj_1' } });
    });
    const r = await httpTransport(s.base, null).invoke('projects.create', { name: 'Spot' });
    expect(r).toEqual({ ok: true, value: { id: 'prj_1' } });
    expect(s.keys).toHaveLength(3);
    expect(s.keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(s.keys).size).toBe(1);
  });

  it('sends the key it is given, and a new one per call otherwise', async () => {
    const s = await serve((_req, res) => answer(res, { ok: true, value: null }));
    const t = httpTransport(s.base, null);
    await t.invoke('jobs.submit', {}, { idempotencyKey: 'draft-key-1' });
    await t.invoke('jobs.submit', {});
    await t.invoke('jobs.submit', {});
    expect(s.keys[0]).toBe('draft-key-1');
    expect(s.keys[1]).not.toBe(s.keys[2]);
  });

  it('never repeats an answer, refusals included', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(402, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'INSUFFICIENT_CREDITS', message: 'Not enough credits.' } }));
    });
    const r = await httpTransport(s.base, null).invoke('jobs.submit', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_CREDITS' } });
    expect(s.keys).toHaveLength(1);
  });

  it('says a host that never answers was not reached, marking the call unanswered', async () => {
    const s = await serve((_req, res) => res.socket?.destroy());
    const r = await httpTransport(s.base, null).invoke('jobs.submit', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^Cannot reach Circle Take/), details: { unanswered: true } } });
    expect(s.keys).toHaveLength(3);
    expect(new Set(s.keys).size).toBe(1);
  });

  it('asks again who the page is after a relay said the studio could not be reached, and only then', async () => {
    const s = await serve((_req, res, n) =>
      n === 1
        ? void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: { code: 'STUDIO_UNREACHABLE', message: 'The studio at http://127.0.0.1:9 cannot be reached.' } }))
        : answer(res, { ok: true, value: { role: 'filmmaker' } }),
    );
    const t = httpTransport(s.base, null);
    await expect(t.role()).rejects.toThrow(/cannot be reached/);
    expect(await t.role()).toBe('filmmaker');
    expect(await t.role()).toBe('filmmaker');
    expect(s.keys).toHaveLength(2); // the known answer is kept
  });
});

describe('who the page is', () => {
  it('says why a refused token is refused, instead of guessing a role', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'The token was refused: revoked on 2026-12-03.' } }));
    });
    await expect(httpTransport(s.base, 'ctm_x').role()).rejects.toThrow('The token was refused: revoked on 2026-12-03.');
  });
});

describe('circletake serve', () => {
  it('answers a repeated key once, so the page\'s retries are safe against this machine too', async () => {
    const t = tempDir('ct-serve-keys-');
    const child = spawn(process.execPath, ['bin/circletake.js', 'serve', '--json', '--data-dir', t.dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const info = await new Promise<{ url: string; token: string }>((resolve) => createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l) as never)));
      const create = () => rawRequest(`${info.url}rpc/projects.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${info.token}`, 'idempotency-key': 'page-key-1' }, body: JSON.stringify({ name: 'Once' }) });
      const first = await create();
      const again = await create();
      expect(first.status, first.body).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const list = await rawRequest(`${info.url}rpc/projects.list`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: '{}' });
      expect((list.json() as { value: { name: string }[] }).value.filter((p) => p.name === 'Once')).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      t.cleanup();
    }
  });

  it('refuses --token without --studio, and --data-dir with it, naming the flag (exit 2)', () => {
    const noStudio = spawnSync(process.execPath, ['bin/circletake.js', 'serve', '--token', 'x'], { encoding: 'utf8', timeout: 60_000 });
    expect([noStudio.status, noStudio.stderr.trim()]).toEqual([2, expect.stringContaining('--token goes with --studio URL')]);
    const local = spawnSync(process.execPath, ['bin/circletake.js', 'serve', '--studio', 'http://127.0.0.1:9/', '--data-dir', '/tmp'], { encoding: 'utf8', timeout: 60_000 });
    expect([local.status, local.stderr.trim()]).toEqual([2, expect.stringContaining('leave out --data-dir')]);
    const noToken = spawnSync(process.execPath, ['bin/circletake.js', 'serve', '--studio', 'http://127.0.0.1:9/'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CIRCLETAKE_STUDIO_TOKEN: '' } });
    expect([noToken.status, noToken.stderr]).toEqual([2, expect.stringContaining('token')]);
  });
});
