import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderCallError, type RetryVerdict } from '../../electron/core/providers/provider';
import { RunwayProvider } from '../../electron/core/providers/runway';
import type { Fault } from '../fakeRunway/fakeFaults';
import { PROMPT, runwayHarness, thrown, type Harness } from '../fakeRunway/providerHarness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Everything a test could leak a secret through: log lines, and each error's message, details and cause chain. */
function leakSurface(h: Harness, errors: unknown[]): string {
  const errText = errors.map((e) => {
    const parts: string[] = [];
    for (let c: unknown = e, d = 0; c && d < 6; c = (c as { cause?: unknown }).cause, d++) {
      parts.push(String((c as Error).message), JSON.stringify((c as { details?: unknown }).details ?? null), String((c as Error).stack));
    }
    return parts.join('\n');
  });
  return [...h.logs, ...errText].join('\n');
}

type CreateRow = { name: string; fault: Fault; verdict: RetryVerdict; created: 0 | 1; retryAfterMs?: number; status?: number };
const createRows: CreateRow[] = [
  { name: '429 with Retry-After (Runway refused: nothing created)', fault: { kind: 'status', status: 429, retryAfter: '7' }, verdict: 'retry', created: 0, retryAfterMs: 7000, status: 429 },
  { name: '429 with retry-after-ms', fault: { kind: 'status', status: 429, retryAfterMs: 1500 }, verdict: 'retry', created: 0, retryAfterMs: 1500 },
  { name: '503 Runway shedding load, Retry-After (nothing created)', fault: { kind: 'status', status: 503, retryAfter: '4' }, verdict: 'retry', created: 0, retryAfterMs: 4000, status: 503 },
  { name: '503 with x-should-retry false', fault: { kind: 'status', status: 503, shouldRetry: 'false' }, verdict: 'fatal', created: 0, status: 503 },
  { name: '500 after the task was made', fault: { kind: 'status', status: 500, after: true }, verdict: 'unknown', created: 1, status: 500 },
  { name: '502 before processing (the client cannot tell)', fault: { kind: 'status', status: 502, retryAfter: '1' }, verdict: 'unknown', created: 0, status: 502 },
  { name: '502 after the task was made', fault: { kind: 'status', status: 502, after: true }, verdict: 'unknown', created: 1, status: 502 },
  { name: '504 after the task was made', fault: { kind: 'status', status: 504, after: true }, verdict: 'unknown', created: 1, status: 504 },
  { name: 'connection reset before processing', fault: { kind: 'reset' }, verdict: 'unknown', created: 0 },
  { name: 'connection reset after the task was made', fault: { kind: 'reset', after: true }, verdict: 'unknown', created: 1 },
  { name: 'no answer (timeout) after the task was made', fault: { kind: 'hang', after: true }, verdict: 'unknown', created: 1 },
  { name: '400 with Runway error text', fault: { kind: 'status', status: 400, error: "Invalid parameter 'promptText'" }, verdict: 'fatal', created: 0, status: 400 },
  { name: '401', fault: { kind: 'status', status: 401, error: 'Invalid API key' }, verdict: 'fatal', created: 0, status: 401 },
  { name: '403', fault: { kind: 'status', status: 403, error: 'Forbidden' }, verdict: 'fatal', created: 0, status: 403 },
  { name: '422', fault: { kind: 'status', status: 422, error: 'Unprocessable' }, verdict: 'fatal', created: 0, status: 422 },
];

describe('create() under faults: classified, and exactly one POST per call (Q4, C1)', () => {
  it.each(createRows)('$name → $verdict', async ({ fault, verdict, created, retryAfterMs, status }) => {
    h = await runwayHarness({}, { createTimeoutMs: 1000 });
    h.fake.inject({ route: 'create', fault });
    const e = await thrown<ProviderCallError>(h.provider.create({ jobId: 'job_f', variation: 0, params: h.params() }, h.signal));
    expect(e).toBeInstanceOf(ProviderCallError);
    expect(e.verdict).toBe(verdict);
    if (retryAfterMs !== undefined) expect(e.retryAfterMs).toBe(retryAfterMs);
    if (status !== undefined) expect(e.httpStatus).toBe(status);
    if (fault.kind === 'status' && fault.error) expect(e.message).toContain(fault.error);
    const stats = h.fake.stats();
    expect(stats.createPosts).toBe(1);
    expect(stats.tasksCreated).toBe(created);
    expect(h.fake.requests.map((r) => r.headers.retryCount)).toEqual(['0']);
    expect(leakSurface(h, [e])).not.toContain(h.fake.key);
    expect(leakSurface(h, [e])).not.toContain(PROMPT);
  });

  it('a slow answer within the timeout is a success', async () => {
    h = await runwayHarness({}, { createTimeoutMs: 2000 });
    h.fake.inject({ route: 'create', fault: { kind: 'delay', ms: 150 } });
    const c = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    expect(h.fake.task(c.taskId)).toBeDefined();
    expect(h.fake.stats().createPosts).toBe(1);
  });

  it('the daily cap answers 429: retry later, nothing created', async () => {
    h = await runwayHarness({ tier: { 'gen4.5': { maxDailyGenerations: 1 } } });
    await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    const e = await thrown<ProviderCallError>(h.provider.create({ jobId: 'j', variation: 1, params: h.params() }, h.signal));
    expect(e).toMatchObject({ verdict: 'retry', httpStatus: 429, isProviderFault: false });
    expect(e.message).toMatch(/daily generation limit/);
    expect(h.fake.stats()).toMatchObject({ createPosts: 2, tasksCreated: 1 });
  });

  it('an unfunded account gets INSUFFICIENT_CREDITS, fatal', async () => {
    h = await runwayHarness({ creditBalance: 10 });
    const e = await thrown<ProviderCallError>(h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal));
    expect(e).toMatchObject({ verdict: 'fatal', code: 'INSUFFICIENT_CREDITS' });
  });

  it('ECONNREFUSED: provably never sent, so retry', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const logs: string[] = [];
    const key = `key_${'0f'.repeat(64)}`;
    const p = new RunwayProvider({ keySource: { getKey: async () => key }, baseURL: `http://127.0.0.1:${port}`, logger: { log: (...a) => logs.push(JSON.stringify(a)) }, clock: { now: () => Date.now() } });
    const params = (await runwayHarness()).params();
    const e = await thrown<ProviderCallError>(p.create({ jobId: 'j', variation: 0, params }, new AbortController().signal));
    expect(e.verdict).toBe('retry');
    expect(e.details).toMatchObject({ reason: 'not-connected', codes: expect.arrayContaining(['ECONNREFUSED']) });
    expect(logs.join('\n')).not.toContain(key);
    p.dispose();
  });

  it('DNS failure: provably never sent, so retry', async () => {
    const key = `key_${'0f'.repeat(64)}`;
    const p = new RunwayProvider({ keySource: { getKey: async () => key }, baseURL: 'http://no-such-host.invalid', logger: { log: () => undefined }, clock: { now: () => Date.now() } });
    h = await runwayHarness();
    const e = await thrown<ProviderCallError>(p.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal));
    expect(e.verdict).toBe('retry');
    expect(e.details?.codes).toEqual(expect.arrayContaining([expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/)]));
    p.dispose();
  });
});

type ReadRow = { name: string; fault: Fault; verdict: RetryVerdict; retryAfterMs?: number };
const readRows: ReadRow[] = [
  { name: '429 with Retry-After', fault: { kind: 'status', status: 429, retryAfter: '3' }, verdict: 'retry', retryAfterMs: 3000 },
  { name: '502 with Retry-After', fault: { kind: 'status', status: 502, retryAfter: '2' }, verdict: 'retry', retryAfterMs: 2000 },
  { name: '503', fault: { kind: 'status', status: 503 }, verdict: 'retry' },
  { name: '503 with x-should-retry false', fault: { kind: 'status', status: 503, shouldRetry: 'false' }, verdict: 'fatal' },
  { name: '504', fault: { kind: 'status', status: 504 }, verdict: 'retry' },
  { name: 'timeout', fault: { kind: 'hang' }, verdict: 'retry' },
  { name: 'connection reset', fault: { kind: 'reset' }, verdict: 'retry' },
];

describe('get() under faults: retry on 429, 5xx and timeouts with Retry-After honoured', () => {
  it.each(readRows)('$name → $verdict', async ({ fault, verdict, retryAfterMs }) => {
    h = await runwayHarness({}, { readTimeoutMs: 800 });
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    h.fake.inject({ route: 'get', fault });
    const e = await thrown<ProviderCallError>(h.provider.get(taskId, h.signal));
    expect(e).toBeInstanceOf(ProviderCallError);
    expect(e.verdict).toBe(verdict);
    if (retryAfterMs !== undefined) expect(e.retryAfterMs).toBe(retryAfterMs);
    // One GET on the wire: the SDK did not retry.
    expect(h.fake.requests.filter((r) => r.route === 'get')).toHaveLength(1);
    // And the next poll works: a fault is not a lost task.
    expect((await h.provider.get(taskId, h.signal)).status).toMatch(/PENDING|RUNNING|SUCCEEDED/);
    expect(leakSurface(h, [e])).not.toContain(h.fake.key);
  });

  it('a task Runway does not have is fatal NOT_FOUND; a deleted one too', async () => {
    h = await runwayHarness();
    const e = await thrown<ProviderCallError>(h.provider.get('6b1f9d7e-0000-4000-8000-000000000000', h.signal));
    expect(e).toMatchObject({ verdict: 'fatal', code: 'NOT_FOUND', httpStatus: 404 });
  });
});

describe('the API key', () => {
  it('never appears in errors or logs, even when the server echoes it back', async () => {
    h = await runwayHarness();
    const errors: unknown[] = [];
    h.fake.inject({ route: 'create', fault: { kind: 'status', status: 400, error: `bad request from Bearer ${h.fake.key} (key ${h.fake.key})` } });
    errors.push(await thrown(h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal)));
    h.fake.inject({ route: 'get', fault: { kind: 'status', status: 503, error: `upstream said ${h.fake.key}` } });
    errors.push(await thrown(h.provider.get('6b1f9d7e-0000-4000-8000-000000000000', h.signal)));
    const surface = leakSurface(h, errors);
    expect(surface).toContain('[redacted');
    expect(surface).not.toContain(h.fake.key);
    expect(surface).not.toContain(h.fake.key.slice(4, 40));
  });

  it('a wrong key is a fatal 401 that says how to fix it, without the key', async () => {
    h = await runwayHarness();
    const wrong = `key_${'ee'.repeat(64)}`;
    const p = new RunwayProvider({ keySource: { getKey: async () => wrong }, baseURL: h.fake.baseUrl, logger: { log: (...a) => h!.logs.push(JSON.stringify(a)) }, clock: { now: () => Date.now() } });
    const e = await thrown<ProviderCallError>(p.get('6b1f9d7e-0000-4000-8000-000000000000', h.signal));
    expect(e).toMatchObject({ verdict: 'fatal', httpStatus: 401 });
    expect(e.message).toMatch(/Settings or RUNWAYML_API_SECRET/);
    expect(leakSurface(h, [e])).not.toContain(wrong);
    p.dispose();
  });

  it('no key, or one that is not a Runway key: fatal before any request', async () => {
    h = await runwayHarness();
    for (const key of [null, 'sk-not-runway']) {
      const p = new RunwayProvider({ keySource: { getKey: async () => key }, baseURL: h.fake.baseUrl, logger: { log: () => undefined }, clock: { now: () => Date.now() } });
      const e = await thrown<ProviderCallError>(p.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal));
      expect(e.verdict).toBe('fatal');
      expect(e.message).not.toContain('sk-not-runway');
      p.dispose();
    }
    expect(h.fake.requests).toHaveLength(0);
  });

  it('reads RUNWAYML_BASE_URL when no baseURL is given', async () => {
    h = await runwayHarness();
    const p = new RunwayProvider({ keySource: { getKey: async () => h!.fake.key }, env: { RUNWAYML_BASE_URL: h.fake.baseUrl }, logger: { log: () => undefined }, clock: { now: () => Date.now() } });
    expect(p.baseURL).toBe(h.fake.baseUrl);
    expect((await p.account(h.signal)).creditBalance).toBe(100_000);
    p.dispose();
  });
});
