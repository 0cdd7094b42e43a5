import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { AppError, type Result } from '../../../shared/errors';
import { describeEachEngine } from '../../../test/support/engines';
import { silentLogger } from '../../core/nodePorts';
import { answerCall } from './idempotentCall';
import { IdempotencyKeys } from './idempotencyKeys';

// A mutating call over HTTP under an Idempotency-Key (a real server on loopback, real keys on both engines):
// an answer is kept and replayed, but one that says nothing ran and a retry may work (the database out of
// reach) gives the key back, so the client's retry under the same key runs the call.

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describeEachEngine('a studio call under an idempotency key', (open) => {
  it('runs a retry after "the database could not be reached", and replays a kept answer', async () => {
    const keys = new IdempotencyKeys(await open(), silentLogger);
    const answers: Result<unknown>[] = [
      { ok: false, error: new AppError('DB_UNAVAILABLE', 'Cannot reach PostgreSQL at db:5432; nothing was saved.').toPayload() },
      { ok: true, value: { jobId: 'job_1' } },
      { ok: true, value: { jobId: 'job_2' } },
    ];
    let runs = 0;
    server = createServer((req, res) => {
      void answerCall(res, { keys, header: req.headers['idempotency-key'], caller: 'member:ana', name: 'jobs.submit', input: { projectName: 'A' } }, async () => answers[runs++]!);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const call = async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'idempotency-key': 'k-retry-1' } });
      return { status: res.status, body: (await res.json()) as { ok: boolean; value?: unknown }, replayed: res.headers.get('idempotent-replayed') };
    };
    expect(await call()).toMatchObject({ status: 503, body: { ok: false } });
    expect(await call()).toEqual({ status: 200, body: { ok: true, value: { jobId: 'job_1' } }, replayed: null });
    expect(await call()).toEqual({ status: 200, body: { ok: true, value: { jobId: 'job_1' } }, replayed: 'true' });
    expect(runs).toBe(2);
  });
});
