import type { ServerResponse } from 'node:http';
import { contract, isCallName } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import { JSON_HEADERS, sendJson } from '../hostHttp';
import { statusFor } from '../httpStatus';
import { HEARTBEAT_HEADER, HEARTBEAT_TIMING } from './heartbeat';
import type { IdempotencyKeys } from './idempotencyKeys';

/** Answers that say the call ran nothing and a retry may succeed: never kept under the key. */
const RAN_NOTHING: ReadonlySet<string> = new Set(['RATE_LIMITED', 'DB_UNAVAILABLE', 'STUDIO_UNREACHABLE']);

/** Who a key belongs to: the same key from two callers is two keys. */
export function callerOf(s: { role: string; label: string; memberId?: string; linkId?: string }): string {
  if (s.memberId) return `member:${s.memberId}`;
  if (s.linkId) return `link:${s.linkId}`;
  return `${s.role}:${s.label}`;
}

/**
 * Answers one contract call over HTTP, at most once per Idempotency-Key when the host keeps keys and the
 * call changes something: a query, or a call without the header, simply runs.
 */
export async function answerCall(
  res: ServerResponse,
  o: {
    keys: IdempotencyKeys | undefined;
    header: string | string[] | undefined;
    caller: string;
    name: string;
    input: unknown;
    /** The client asked to be kept posted (HEARTBEAT_HEADER): a long call sends whitespace while it runs. */
    heartbeat?: boolean | { firstMs: number; everyMs: number };
  },
  run: () => Promise<Result<unknown>>,
): Promise<void> {
  const isMutation = isCallName(o.name) && !contract[o.name].isQuery;
  const key = Array.isArray(o.header) ? o.header.join(',') : o.header;
  const begun = o.keys && key !== undefined && isMutation ? await o.keys.begin(o.caller, key, o.name, o.input) : null;
  if (begun?.kind === 'replay') {
    res.writeHead(begun.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'idempotent-replayed': 'true' });
    res.end(begun.body);
    return;
  }
  if (begun?.kind === 'refused') {
    if (begun.retryAfterSec) res.setHeader('retry-after', String(begun.retryAfterSec));
    return sendJson(res, statusFor(begun.error.code), { ok: false, error: begun.error });
  }
  const beat = o.heartbeat ? heartbeat(res, o.heartbeat === true ? HEARTBEAT_TIMING : o.heartbeat) : null;
  let result: Result<unknown>;
  try {
    result = await run();
  } finally {
    beat?.stop();
  }
  const status = result.ok ? 200 : statusFor(result.error.code);
  const body = result.ok ? result : { ok: false, error: result.error };
  if (begun) {
    // A call that ran nothing and may work on a retry (the rate limit, the database or the studio out of
    // reach: "nothing was saved") gives its key back, so the client's retry with the same key runs it
    // instead of being answered the same failure for the key's 24 hours.
    if (!result.ok && RAN_NOTHING.has(result.error.code)) await begun.release();
    else await begun.finish(status, body);
  }
  // Kept posted: the 200 and the spaces are out, so the answer (its own ok and code) ends the body.
  if (res.headersSent) res.end(JSON.stringify(body));
  else sendJson(res, status, body);
}

/**
 * While a long call runs (a stitched export, a big import), a client that asked is sent its 200 and then a
 * space every few seconds, so it can tell a studio still working from a silent one without a total time
 * limit: JSON allows whitespace before the value, and the answer's own `ok` and error code say how it ended.
 * A call that answers before the first beat is sent as usual, with its HTTP status.
 */
function heartbeat(res: ServerResponse, t: { firstMs: number; everyMs: number }): { stop(): void } {
  let every: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(200, { ...JSON_HEADERS, [HEARTBEAT_HEADER]: 'on' });
    res.write(' ');
    every = setInterval(() => {
      if (!res.destroyed) res.write(' ');
    }, t.everyMs);
  }, t.firstMs);
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
