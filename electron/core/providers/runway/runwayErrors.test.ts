import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@runwayml/sdk';
import { describe, expect, it } from 'vitest';
import { type AppError } from '../../../../shared/errors';
import { ProviderCallError } from '../provider';
import { classifyRunwayError, parseRetryAfterMs, provablyNeverSent, type RunwayOp } from './runwayErrors';

const KEY = `key_${'ab'.repeat(64)}`;
const NOW = Date.parse('2026-11-22T10:00:00Z');

const sock = (code: string): Error => Object.assign(new Error(`connect ${code} 203.0.113.1:443`), { code });
const conn = (cause: Error): APIConnectionError => new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause }) });
const http = (status: number, error: string, headers: Record<string, string> = {}): APIError => APIError.generate(status, { error }, undefined, new Headers(headers));

const classify = (e: unknown, op: RunwayOp): ProviderCallError | AppError => classifyRunwayError(e, { op, secrets: [KEY], nowMs: NOW, what: 'doing it' });

type Row = [name: string, err: () => unknown, create: string, read: string, retryAfterMs?: number];
const rows: Row[] = [
  ['DNS failure', () => conn(sock('ENOTFOUND')), 'retry', 'retry'],
  ['DNS try again', () => conn(sock('EAI_AGAIN')), 'retry', 'retry'],
  ['ECONNREFUSED', () => conn(sock('ECONNREFUSED')), 'retry', 'retry'],
  ['every happy-eyeballs address refused', () => conn(new AggregateError([sock('ECONNREFUSED'), sock('ENETUNREACH')], 'all failed')), 'retry', 'retry'],
  ['one address refused, one timed out', () => conn(new AggregateError([sock('ECONNREFUSED'), sock('ETIMEDOUT')], 'all failed')), 'unknown', 'retry'],
  ['reset after sending', () => conn(sock('ECONNRESET')), 'unknown', 'retry'],
  ['socket closed by the server', () => conn(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })), 'unknown', 'retry'],
  ['connection error without a code', () => new APIConnectionError({ cause: new TypeError('fetch failed') }), 'unknown', 'retry'],
  ['timeout', () => new APIConnectionTimeoutError(), 'unknown', 'retry'],
  ['400 invalid parameter', () => http(400, "Invalid parameter 'promptText'"), 'fatal', 'fatal'],
  ['401 bad key', () => http(401, 'Invalid API key'), 'fatal', 'fatal'],
  ['403', () => http(403, 'Forbidden'), 'fatal', 'fatal'],
  ['404', () => http(404, 'Task not found'), 'fatal', 'fatal'],
  ['422', () => http(422, 'Unprocessable'), 'fatal', 'fatal'],
  ['429 at the daily cap, Retry-After 30', () => http(429, 'daily limit', { 'retry-after': '30' }), 'retry', 'retry', 30_000],
  ['429 with x-should-retry false', () => http(429, 'no', { 'x-should-retry': 'false' }), 'fatal', 'fatal'],
  ['500', () => http(500, 'oops'), 'unknown', 'retry'],
  ['502 Retry-After 2', () => http(502, 'Bad gateway', { 'retry-after': '2' }), 'unknown', 'retry', 2000],
  ['503 retry-after-ms 1500 (load shed: nothing created)', () => http(503, 'Shedding load', { 'retry-after-ms': '1500' }), 'retry', 'retry', 1500],
  ['503 Retry-After 3', () => http(503, 'Shedding load', { 'retry-after': '3' }), 'retry', 'retry', 3000],
  ['503 x-should-retry false', () => http(503, 'Down', { 'x-should-retry': 'false' }), 'fatal', 'fatal'],
  ['504', () => http(504, 'Overloaded'), 'unknown', 'retry'],
  ['408', () => http(408, 'Request timeout'), 'unknown', 'retry'],
  ['an unexpected throw', () => new RangeError('boom'), 'unknown', 'fatal'],
];

describe('Runway error classification (C1, Q4)', () => {
  it.each(rows)('%s → create %s, read %s', (_name, make, create, read, retryAfterMs) => {
    for (const [op, verdict] of [['create', create], ['read', read]] as const) {
      const e = classify(make(), op);
      expect(e).toBeInstanceOf(ProviderCallError);
      const p = e as ProviderCallError;
      expect(p.verdict).toBe(verdict);
      if (retryAfterMs !== undefined) expect(p.retryAfterMs).toBe(retryAfterMs);
      expect(p.message).not.toContain(KEY);
    }
  });

  it('a create that was aborted may exist; an aborted read is just cancelled', () => {
    expect((classify(new APIUserAbortError(), 'create') as ProviderCallError).verdict).toBe('unknown');
    expect(classify(new APIUserAbortError(), 'read').code).toBe('CANCELLED');
  });

  it('4xx about our input and 429 do not count against the provider; 5xx and timeouts do', () => {
    const fault = (e: unknown): boolean => (classify(e, 'read') as ProviderCallError).isProviderFault;
    expect(fault(http(400, 'x'))).toBe(false);
    expect(fault(http(429, 'x'))).toBe(false);
    expect(fault(http(503, 'x'))).toBe(true);
    expect(fault(new APIConnectionTimeoutError())).toBe(true);
  });

  it("names Runway's error text, and maps codes for the caller", () => {
    const bad = classify(http(400, "Invalid parameter 'ratio'"), 'create');
    expect(bad.message).toContain("Invalid parameter 'ratio'");
    expect(bad.code).toBe('VALIDATION');
    expect(classify(http(400, 'You do not have enough credits to run this task.'), 'create').code).toBe('INSUFFICIENT_CREDITS');
    expect(classify(http(404, 'Task not found'), 'read').code).toBe('NOT_FOUND');
    expect(classify(http(401, 'Invalid API key'), 'read').message).toMatch(/RUNWAYML_API_SECRET/);
  });

  it('scrubs the key and bearer tokens a server echoes back', () => {
    const e = classify(http(400, `bad header Authorization: Bearer ${KEY} for key ${KEY}`), 'create') as ProviderCallError;
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toMatch(/key_[0-9a-f]{20}/);
    expect(JSON.stringify(e.details)).not.toContain(KEY);
  });

  it('scrubs an echoed prompt', () => {
    const prompt = 'a secret storyboard beat about the heist';
    const e = classifyRunwayError(http(400, `Prompt "${prompt}" rejected`), { op: 'create', secrets: [KEY], privateTexts: [prompt], nowMs: NOW, what: 'x' });
    expect(e.message).not.toContain(prompt);
    expect(JSON.stringify((e as ProviderCallError).details)).not.toContain(prompt);
  });
});

describe('Retry-After parsing', () => {
  const h = (o: Record<string, string>) => (n: string) => o[n] ?? null;
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }), NOW)).toBe(250);
    expect(parseRetryAfterMs(h({ 'retry-after': '3' }), NOW)).toBe(3000);
    expect(parseRetryAfterMs(h({ 'retry-after': new Date(NOW + 7000).toUTCString() }), NOW)).toBe(7000);
    expect(parseRetryAfterMs(h({ 'retry-after': new Date(NOW - 7000).toUTCString() }), NOW)).toBe(0);
    expect(parseRetryAfterMs(h({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(parseRetryAfterMs(h({}), NOW)).toBeUndefined();
  });
});

describe('provablyNeverSent', () => {
  it('needs a socket code, and every code must be a pre-connection one', () => {
    expect(provablyNeverSent(conn(sock('ECONNREFUSED')))).toBe(true);
    expect(provablyNeverSent(new TypeError('fetch failed'))).toBe(false);
    expect(provablyNeverSent(conn(sock('EPIPE')))).toBe(false);
  });
});
