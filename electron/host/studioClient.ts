import { randomUUID } from 'node:crypto';
import { contract, type CallName } from '../../shared/contract';
import { AppError, ERROR_CODES, type ErrorPayload, type Result } from '../../shared/errors';
import { HEARTBEAT_HEADER } from './studio/heartbeat';

/**
 * A client of a studio (or any Circle Take host) over the contract's HTTP door: POST /rpc/<name> with the
 * member's token. What it promises:
 * - every mutating call carries an Idempotency-Key, the same one on every retry of that call, so a call
 *   retried after a lost answer is applied once by a studio that keeps keys;
 * - a call is retried (with backoff) only when the studio did not answer: no connection, the connection
 *   dropped, or a gateway in front of it answered 502/503/504 without the studio's JSON;
 * - a studio that took the request and said nothing within the attempt's time is not asked again: that
 *   is one wait (15 s for a query, 60 s for a change), not four, before STUDIO_UNREACHABLE;
 * - a long call is followed to its end: the client asks to be kept posted (HEARTBEAT_HEADER), a studio
 *   still working sends a space every few seconds, and the wait above is the longest silence allowed,
 *   not the call's whole time (a stitched export may take many minutes; `maxCallMs` bounds it, 2 h);
 * - a studio that cannot be reached is one clear error, STUDIO_UNREACHABLE, naming the address.
 * The studio's own answers (refusals included) come back as they are: never retried, never rewritten.
 */
export interface StudioClientOptions {
  /** The studio's base URL, http(s)://host:port. */
  url: string;
  /** The member's token; null only for a guest's call (accepting an invite, where the invite's secret is the proof). */
  token: string | null;
  /** Attempts per call when the studio does not answer (default 4). */
  attempts?: number;
  /** The first wait between attempts; doubles each time (default 250 ms). */
  backoffMs?: number;
  /** Per attempt of a mutating call (default 60 s). */
  timeoutMs?: number;
  /** Per attempt of a query (default 15 s: a read the studio has not answered by then is not coming). */
  queryTimeoutMs?: number;
  /** The longest a call may run while the studio keeps posting that it works on it (default 2 h). */
  maxCallMs?: number;
}

export interface StudioCallOptions {
  signal?: AbortSignal;
  /** Reuse a key to make a repeat of an earlier call (default: a fresh key per call). */
  idempotencyKey?: string;
}

const GATEWAY = new Set([502, 503, 504]);
/** Who a token is, asked when a page opens: a studio silent this long is said to be unreachable (the page asks again when it is back). */
const SESSION_TIMEOUT_MS = 10_000;

export class StudioClient {
  readonly base: URL;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly queryTimeoutMs: number;
  private readonly maxCallMs: number;

  constructor(private readonly opts: StudioClientOptions) {
    this.base = studioBase(opts.url);
    if (opts.token !== null && !opts.token) throw new AppError('VALIDATION', 'A studio needs a token: pass --token or set CIRCLETAKE_STUDIO_TOKEN (an admin gives you one with an invite).', { field: 'token' });
    this.attempts = Math.max(1, opts.attempts ?? 4);
    this.backoffMs = opts.backoffMs ?? 250;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.queryTimeoutMs = opts.queryTimeoutMs ?? Math.min(this.timeoutMs, 15_000);
    this.maxCallMs = opts.maxCallMs ?? 2 * 3600_000;
  }

  /** One contract call; the studio's Result, or STUDIO_UNREACHABLE when it never answered. */
  async call(name: string, input: unknown, o: StudioCallOptions = {}): Promise<Result<unknown>> {
    const def = (contract as Record<string, { isQuery: boolean } | undefined>)[name];
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [HEARTBEAT_HEADER]: '1',
      ...(this.opts.token === null ? {} : { authorization: `Bearer ${this.opts.token}` }),
    };
    if (def && !def.isQuery) headers['idempotency-key'] = o.idempotencyKey ?? randomUUID();
    const body = JSON.stringify(input ?? {});
    const target = new URL(`rpc/${encodeURIComponent(name)}`, this.base);
    let lastCause = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (o.signal?.aborted) return { ok: false, error: { code: 'CANCELLED', message: `${name} was cancelled before the studio answered.` } };
      const waitMs = def?.isQuery ? this.queryTimeoutMs : this.timeoutMs;
      // The wait is for silence: every byte the studio sends (its heartbeat's spaces) starts it again.
      const silent = new AbortController();
      let timer = setTimeout(() => silent.abort(), waitMs);
      const heard = () => {
        clearTimeout(timer);
        timer = setTimeout(() => silent.abort(), waitMs);
      };
      const tooLong = new AbortController();
      const bound = setTimeout(() => tooLong.abort(), this.maxCallMs);
      try {
        const res = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.any([silent.signal, tooLong.signal, ...(o.signal ? [o.signal] : [])]) });
        heard();
        const text = await readText(res, heard);
        const answer = parseAnswer(text);
        if (answer) return answer;
        if (!GATEWAY.has(res.status)) return { ok: false, error: { code: 'INTERNAL', message: `The studio at ${this.base.origin} answered ${name} with HTTP ${res.status} and no Circle Take answer; is this a Circle Take studio?`, details: { status: res.status } } };
        lastCause = `HTTP ${res.status} from a gateway`;
      } catch (e) {
        if (o.signal?.aborted) return { ok: false, error: { code: 'CANCELLED', message: `${name} was cancelled before the studio answered; it may or may not have been applied.` } };
        lastCause = causeOf(e);
        // Silent, not gone: asking again would only wait as long again (a repeat of a change is still applied once).
        if (silent.signal.aborted) return { ok: false, error: unreachable(this.base, name, `no answer in ${span(waitMs)}`, attempt, true) };
        if (tooLong.signal.aborted) return { ok: false, error: unreachable(this.base, name, `still working after ${span(this.maxCallMs)}`, attempt, true) };
      } finally {
        clearTimeout(timer);
        clearTimeout(bound);
      }
      if (attempt < this.attempts) await sleep(this.backoffMs * 2 ** (attempt - 1), o.signal);
    }
    return { ok: false, error: unreachable(this.base, name, lastCause, this.attempts) };
  }

  /** Who the token is on the studio (`POST /session`): its role, the studio's refusal (401) as it is, or STUDIO_UNREACHABLE. */
  async session(): Promise<Result<{ role: string }>> {
    try {
      const res = await fetch(new URL('session', this.base), { method: 'POST', headers: this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}, signal: AbortSignal.timeout(Math.min(this.timeoutMs, SESSION_TIMEOUT_MS)) });
      const answer = parseAnswer(await res.text());
      if (answer?.ok && typeof (answer.value as { role?: unknown } | null)?.role === 'string') return { ok: true, value: { role: (answer.value as { role: string }).role } };
      if (answer && !answer.ok) return answer;
      return { ok: false, error: noSession(this.base, `HTTP ${res.status}`) };
    } catch (e) {
      return { ok: false, error: noSession(this.base, causeOf(e)) };
    }
  }

  /** The call's value, or its error thrown as an AppError. */
  async value<K extends CallName>(name: K, input: unknown, o?: StudioCallOptions): Promise<unknown> {
    const r = await this.call(name, input, o);
    if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
    return r.value;
  }
}

const span = (ms: number) => (ms >= 3600_000 && ms % 3600_000 === 0 ? `${ms / 3600_000} h` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** The body as text, telling `heard` of every chunk (a kept-posted answer's spaces arrive one by one). */
async function readText(res: Response, heard: () => void): Promise<string> {
  if (!res.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    heard();
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** http(s)://host[:port][/path] with a trailing slash; anything else is a VALIDATION naming --studio. */
export function studioBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('VALIDATION', `--studio must be the studio's address, like https://studio.example.com or http://127.0.0.1:7300 (got "${url}").`, { field: 'studio' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('VALIDATION', `--studio must start with https:// or http:// (got "${u.protocol}").`, { field: 'studio' });
  if (u.username || u.password) throw new AppError('VALIDATION', '--studio must not carry a user or password; pass the token with --token or CIRCLETAKE_STUDIO_TOKEN.', { field: 'studio' });
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.hash = '';
  u.search = '';
  return u;
}

function unreachable(base: URL, name: string, cause: string, attempts: number, isSilent = false): ErrorPayload {
  return {
    code: 'STUDIO_UNREACHABLE',
    message: isSilent
      ? `The studio at ${base.origin} took ${name} and did not answer (${cause}, ${attempts} attempt${attempts === 1 ? '' : 's'}); it may still be working on it, or be stuck. Try again: a repeat is applied once.`
      : `The studio at ${base.origin} cannot be reached (${cause}, ${attempts} attempt${attempts === 1 ? '' : 's'}); ${name} was not answered. Check the address and your network, then try again: a repeat is applied once.`,
    details: { studio: base.origin, cause, attempts },
  };
}

function noSession(base: URL, cause: string): ErrorPayload {
  return { code: 'STUDIO_UNREACHABLE', message: `The studio at ${base.origin} cannot be reached (${cause}); this page works on it as soon as it answers.`, details: { studio: base.origin, cause } };
}

const CODES = new Set<string>(ERROR_CODES);

/** The studio's JSON answer ({ok:true,value} or {ok:false,error:{code,message}}), or null for anything else. */
function parseAnswer(text: string): Result<unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || !('ok' in v)) return null;
  const r = v as { ok: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return { ok: true, value: r.value };
  if (r.ok === false && typeof r.error?.code === 'string' && CODES.has(r.error.code) && typeof r.error.message === 'string') return { ok: false, error: r.error as ErrorPayload };
  return null;
}

function causeOf(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
