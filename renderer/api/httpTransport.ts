import type { Result } from '../../shared/errors';
import { newCallKey } from './callKeys';
import type { SessionRole, Transport } from './transport';

const TOKEN_KEY = 'circletake.token';
/** Tries per call while the host does not answer (no connection, or a gateway's 502/503/504), backing off from BACKOFF_MS. */
const ATTEMPTS = 3;
const BACKOFF_MS = 300;
const GATEWAY = new Set([502, 503, 504]);

type SessionAnswer = { ok: boolean; value?: { role?: SessionRole }; error?: { code?: string; message?: string } };
const isResult = (v: unknown): v is Result<unknown> => typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';

/**
 * Reads the token from the URL fragment once (so it never reaches a server log), keeps it for this
 * tab, and scrubs it from the address bar.
 */
export function takeTokenFromLocation(loc: Location, storage: Storage, history: History): string | null {
  // The owner's and a review link's token (64 hex digits), or a studio member's (ctm_ and 64 hex digits).
  const m = /(?:^|[#&])token=((?:ctm_)?[0-9a-f]{64})(?:&|$)/.exec(loc.hash);
  if (m) {
    storage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', loc.pathname + loc.search);
    return m[1]!;
  }
  return storage.getItem(TOKEN_KEY);
}

/**
 * An invite link opened in a browser (`#invite=cti_…`, from `circletake studio invite` or an admin):
 * accepted once, with no session (the secret is the proof); the member's token is kept for this tab as
 * a #token= link's would be, and the secret is scrubbed from the address bar first. Returns the refusal
 * to show (a used or expired invite), or null.
 */
export async function acceptInviteFromLocation(loc: Location, storage: Storage, history: History): Promise<string | null> {
  const m = /(?:^|[#&])invite=(cti_[0-9a-f]{64})(?:&|$)/.exec(loc.hash);
  if (!m) return null;
  history.replaceState(null, '', loc.pathname + loc.search);
  try {
    const res = await fetch(new URL('/rpc/studio.acceptInvite', loc.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: m[1], label: 'browser' }),
    });
    const body = (await res.json()) as { ok: boolean; value?: { token?: string }; error?: { message?: string } };
    if (body.ok && body.value?.token) {
      storage.setItem(TOKEN_KEY, body.value.token);
      return null;
    }
    return `The invite was not accepted: ${body.error?.message ?? `HTTP ${res.status}`}`;
  } catch (e) {
    return `The invite could not be sent to the studio (${(e as Error).message}); open the link again.`;
  }
}

/** The contract over HTTP: POST /rpc/<name> with the token header; events over one WebSocket. */
export function httpTransport(baseUrl: string, token: string | null): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let sessionReady: Promise<SessionRole> | null = null;

  const ensureSession = () => {
    // Exchanges the token for an HttpOnly cookie, which the WebSocket and <video src> requests carry.
    sessionReady ??= fetch(new URL('/session', baseUrl), {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      credentials: 'same-origin',
    })
      .then((r) => r.json() as Promise<SessionAnswer>)
      .catch((): SessionAnswer => ({ ok: false }))
      .then((b) => {
        // A page relayed to a studio that cannot be reached yet (serve --studio): who it is stays unknown, and is asked again.
        if (!b.ok && b.error?.code === 'STUDIO_UNREACHABLE') {
          sessionReady = null;
          throw new Error(b.error.message ?? 'The studio cannot be reached.');
        }
        // A token refused with its reason (a studio member's revoked or expired token): the page says why, and is no one.
        if (!b.ok && b.error?.code === 'UNAUTHORIZED') throw new Error(b.error.message ?? 'The token was refused.');
        return b.value?.role ?? 'reviewer';
      });
    return sessionReady;
  };

  const openSocket = () => {
    const ws = new WebSocket(new URL('/events', baseUrl.replace(/^http/, 'ws')));
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (m) => {
      try {
        const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown };
        for (const cb of listeners.get(event) ?? []) cb(payload);
      } catch (e) {
        console.error('circletake: bad event message', e);
      }
    };
    ws.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  // The cookie is set even when the studio behind a relay cannot say who we are: the socket then hears when it is back.
  const connect = () => void ensureSession().catch(() => undefined).then(openSocket);

  return {
    kind: 'http',
    role: () => ensureSession(),
    async invoke(name, input, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      // Every call carries a key (the host records those of mutating calls only), the same on each of the
      // retries below: a retry after a lost answer is applied once.
      headers['idempotency-key'] = opts.idempotencyKey ?? newCallKey();
      const body = JSON.stringify(input ?? {});
      let cause = '';
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          const res = await fetch(new URL(`/rpc/${encodeURIComponent(name)}`, baseUrl), { method: 'POST', headers, body });
          const answer = await res.json().catch(() => null);
          if (isResult(answer)) return answer;
          if (!GATEWAY.has(res.status)) return { ok: false, error: { code: 'INTERNAL', message: `Circle Take answered ${name} with HTTP ${res.status} and no answer of its own.`, details: { status: res.status } } };
          cause = `HTTP ${res.status}`;
        } catch (e) {
          cause = (e as Error).message;
        }
        if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, BACKOFF_MS * 2 ** (attempt - 1)));
      }
      // Sent, perhaps applied, never answered: the caller may repeat it with the same key (`unanswered`).
      return { ok: false, error: { code: 'INTERNAL', message: `Cannot reach Circle Take (${cause}). Is the host still running?`, details: { unanswered: true } } };
    },
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      if (!socket) connect();
      return () => {
        set.delete(cb);
      };
    },
  };
}

