import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/nodePorts';
import { StudioTransport } from '../host/studioTransport';
import { createIpcCallHandler } from './ipcHandler';

// The desktop on a studio: a Generate repeated by the renderer after a lost answer carries its key over IPC
// (the preload bridge's third argument), and main's studio transport sends that key, so the studio answers
// the repeat from its record. A real HTTP server on loopback stands in for the studio and records the header.

const trusted = { senderFrame: { url: 'app://renderer/index.html' } };
const seen: (string | undefined)[] = [];
const server = createServer((req, res) => {
  if (req.url?.startsWith('/rpc/')) seen.push(req.headers['idempotency-key'] as string | undefined);
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, value: { jobId: 'job_1' } }));
});
let studio: StudioTransport;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  studio = StudioTransport.start({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, token: `ctm_${'0'.repeat(64)}`, attempts: 1, reconnectMs: 60_000 });
});
afterAll(async () => {
  await studio.dispose();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('the IPC handler on a studio', () => {
  it("passes the renderer's key on to the studio, drops a malformed one, and makes one per call otherwise", async () => {
    const submit = createIpcCallHandler('jobs.submit', (name, input, ctx) => studio.call(name, input, ctx), silentLogger);
    expect(await submit(trusted, {}, 'draft-key-1')).toEqual({ ok: true, value: { jobId: 'job_1' } });
    await submit(trusted, {}, 'draft-key-1');
    await submit(trusted, {}, 'not a key\r\nX-Injected: 1');
    await submit(trusted, {});
    await submit(trusted, {});
    expect(seen.slice(0, 2)).toEqual(['draft-key-1', 'draft-key-1']);
    expect(seen[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[3]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[3]).not.toBe(seen[4]);
  });
});
