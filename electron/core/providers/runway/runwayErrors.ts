import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@runwayml/sdk';
import { AppError, type ErrorCode } from '../../../../shared/errors';
import { ProviderCallError, type RetryVerdict } from '../provider';
import { redactSecrets } from './keySource';

/** 'create' starts a paid task; everything else ('read': GET, DELETE, organization, upload) is safe to repeat. */
export type RunwayOp = 'create' | 'read';

/** Socket errors raised before a connection exists: the request provably never left the machine. */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

type HeaderGet = (name: string) => string | null | undefined;

/** retry-after-ms, then Retry-After (seconds or an HTTP date), in milliseconds; undefined when absent or past. */
export function parseRetryAfterMs(get: HeaderGet, nowMs: number): number | undefined {
  const ms = get('retry-after-ms');
  if (ms) {
    const v = Number.parseFloat(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = get('retry-after')?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Number.parseFloat(ra) * 1000;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Every `code` along an error's cause chain (and inside AggregateErrors from happy-eyeballs connects). */
export function socketErrorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 8) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (e instanceof AggregateError) for (const inner of e.errors) walk(inner, depth + 1);
    walk((e as { cause?: unknown }).cause, depth + 1);
  };
  walk(err, 0);
  return codes;
}

/** True when the connection was never established: every socket code on the chain says so, and there is one. */
export function provablyNeverSent(err: unknown): boolean {
  const codes = socketErrorCodes(err).filter((c) => c.startsWith('E') || c.startsWith('UND_'));
  return codes.length > 0 && codes.every((c) => NEVER_SENT_CODES.has(c));
}

/** Runway's `{"error": "…"}` text, or the SDK's message. */
function runwayText(e: APIError): string {
  const body = e.error as { error?: unknown } | undefined;
  if (body && typeof body.error === 'string') return body.error;
  if (typeof body === 'string') return body;
  return e.message;
}

interface Ctx {
  op: RunwayOp;
  /** The key (and anything else secret) to scrub from messages. */
  secrets: readonly string[];
  /** Texts that must not appear in messages either (the prompt, should Runway echo it). */
  privateTexts?: readonly (string | undefined)[];
  nowMs: number;
  /** What was being done, for the message: "creating a gen4.5 task", "reading task …". */
  what: string;
}

function make(message: string, ctx: Ctx, o: { verdict: RetryVerdict; code?: ErrorCode; httpStatus?: number; retryAfterMs?: number; isProviderFault: boolean; details?: Record<string, unknown> }): ProviderCallError {
  return new ProviderCallError(redactSecrets(message, ctx.secrets, ctx.privateTexts), { ...o, details: { op: ctx.op, ...o.details } });
}

/**
 * Turns whatever the SDK threw into the queue's verdict (docs/reliability.md C1, Q4):
 * - create: what the answer proves decides. Nothing was created after a 429 (Runway refused it), a
 *   503 (Runway shedding load) or a connection that was never established: 'retry', Retry-After
 *   honoured. A timeout, a reset or an abort after sending, a 408, 500, 502 or 504 is 'unknown' (the
 *   task may exist). Other 4xx are 'fatal' with Runway's text.
 * - read: 429, 408, 5xx, timeouts and connection errors are 'retry' with Retry-After honoured.
 * An `x-should-retry: false` header turns a retry into 'fatal'. The key never appears in a message.
 */
export function classifyRunwayError(err: unknown, ctx: Ctx): ProviderCallError | AppError {
  const isCreate = ctx.op === 'create';
  if (err instanceof APIUserAbortError) {
    if (!isCreate) return new AppError('CANCELLED', `Stopped while ${ctx.what}.`);
    return make(`Stopped while ${ctx.what}; Runway may have created the task.`, ctx, { verdict: 'unknown', isProviderFault: false, details: { reason: 'aborted' } });
  }
  if (err instanceof APIConnectionTimeoutError) {
    return isCreate
      ? make(`Runway did not answer in time while ${ctx.what}; the task may exist.`, ctx, { verdict: 'unknown', isProviderFault: true, details: { reason: 'timeout' } })
      : make(`Runway did not answer in time while ${ctx.what}.`, ctx, { verdict: 'retry', isProviderFault: true, details: { reason: 'timeout' } });
  }
  if (err instanceof APIConnectionError) {
    const codes = socketErrorCodes(err);
    const neverSent = provablyNeverSent(err);
    const detail = codes.length > 0 ? ` (${codes.join(', ')})` : '';
    if (isCreate && !neverSent) {
      return make(`Lost the connection to Runway while ${ctx.what}${detail}; the task may exist.`, ctx, { verdict: 'unknown', isProviderFault: true, details: { reason: 'connection', codes } });
    }
    return make(`Could not reach Runway while ${ctx.what}${detail}.`, ctx, { verdict: 'retry', isProviderFault: true, details: { reason: neverSent ? 'not-connected' : 'connection', codes } });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const get: HeaderGet = (n) => err.headers?.get(n);
    const retryAfterMs = parseRetryAfterMs(get, ctx.nowMs);
    const shouldRetry = get('x-should-retry');
    const text = runwayText(err);
    const base = { httpStatus: status, details: { runwayError: redactSecrets(text, ctx.secrets, ctx.privateTexts) } };
    if (status === 429) {
      if (shouldRetry === 'false') return make(`Runway refused ${ctx.what} (429): ${text}`, ctx, { ...base, verdict: 'fatal', isProviderFault: false });
      return make(`Runway is rate limiting (429) while ${ctx.what}: ${text}`, ctx, { ...base, verdict: 'retry', retryAfterMs, isProviderFault: false });
    }
    if (status === 503 && isCreate) {
      // Runway shedding load: the create was refused before any task existed (runway-api.md, C1).
      if (shouldRetry === 'false') return make(`Runway is unavailable (503) while ${ctx.what}: ${text}`, ctx, { ...base, verdict: 'fatal', isProviderFault: true });
      return make(`Runway is shedding load (503) while ${ctx.what}; nothing was created: ${text}`, ctx, { ...base, verdict: 'retry', retryAfterMs, isProviderFault: true });
    }
    if (status === 408 || status >= 500) {
      if (isCreate) return make(`Runway answered ${status} while ${ctx.what}; the task may exist: ${text}`, ctx, { ...base, verdict: 'unknown', retryAfterMs, isProviderFault: true });
      const verdict: RetryVerdict = shouldRetry === 'false' ? 'fatal' : 'retry';
      return make(`Runway answered ${status} while ${ctx.what}: ${text}`, ctx, { ...base, verdict, retryAfterMs, isProviderFault: true });
    }
    if (status === 401) return make(`Runway rejected the API key (401): ${text}. Set a valid key in Settings or RUNWAYML_API_SECRET.`, ctx, { ...base, verdict: 'fatal', isProviderFault: false });
    if (status === 403) return make(`Runway refused access (403) while ${ctx.what}: ${text}`, ctx, { ...base, verdict: 'fatal', isProviderFault: false });
    if (status === 404) return make(`Runway has no such resource (404) while ${ctx.what}: ${text}`, ctx, { ...base, verdict: 'fatal', code: 'NOT_FOUND', isProviderFault: false });
    const code: ErrorCode = /not have enough credits/i.test(text) ? 'INSUFFICIENT_CREDITS' : status === 400 || status === 422 ? 'VALIDATION' : 'PROVIDER_FAILED';
    return make(`Runway refused ${ctx.what} (${status}): ${text}`, ctx, { ...base, verdict: 'fatal', code, isProviderFault: false });
  }
  // Not an SDK error: a bug or an unexpected throw. A create may have been sent.
  const msg = err instanceof Error ? err.message : String(err);
  return isCreate
    ? make(`Unexpected error while ${ctx.what}: ${msg}; the task may exist.`, ctx, { verdict: 'unknown', isProviderFault: false, details: { reason: 'unexpected' } })
    : make(`Unexpected error while ${ctx.what}: ${msg}`, ctx, { verdict: 'fatal', code: 'INTERNAL', isProviderFault: false, details: { reason: 'unexpected' } });
}
