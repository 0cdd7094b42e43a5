import WebSocket from 'ws';
import type { CoreStatus } from '../../shared/contract/system';
import type { Result } from '../../shared/errors';
import type { MediaRequest, WireCallContext } from '../utility/protocol';
import { StudioClient } from './studioClient';
import type { CoreTransport, MediaResponse } from './coreTransport';

/**
 * Remote mode (issue #18, "Connect to a studio"): main relays the renderer to a studio instead of a local
 * core process, through the same seam, so the renderer cannot tell them apart.
 * - calls: `POST /rpc/<name>` as the member the token names (StudioClient: an Idempotency-Key per mutating
 *   call, kept across retries, so a call retried after a lost answer is applied once);
 * - events: the studio's one WebSocket, reconnected with backoff while it is unreachable; the windows hear
 *   `stopped` when it drops and `restarted` when it is back (they reload what they show, as after a core
 *   restart, so nothing missed in between stays missing);
 * - media: `GET /media/<id>` streamed through; the studio decides what the member's role may see.
 * Nothing runs here that a studio could answer: no SQLite, no queue, no ffmpeg.
 */
export interface StudioTransportOptions {
  url: string;
  token: string;
  /** The first wait before reconnecting the events socket; doubles up to 10 s (default 500 ms). */
  reconnectMs?: number;
  /** Attempts per call while the studio does not answer (default 4). */
  attempts?: number;
  backoffMs?: number;
}

const MAX_RECONNECT_MS = 10_000;

export class StudioTransport implements CoreTransport {
  private readonly client: StudioClient;
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();
  private readonly statusListeners = new Set<(status: CoreStatus) => void>();
  private socket: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  private wasOpen = false;
  private isDown = false;
  private wait: number;

  private constructor(private readonly o: StudioTransportOptions) {
    this.client = new StudioClient({ url: o.url, token: o.token, ...(o.attempts ? { attempts: o.attempts } : {}), ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}) });
    this.wait = o.reconnectMs ?? 500;
  }

  /** Connects the events socket (and keeps it connected); calls work as soon as the studio answers. */
  static start(o: StudioTransportOptions): StudioTransport {
    const t = new StudioTransport(o);
    t.connect();
    return t;
  }

  get origin(): string {
    return this.client.base.origin;
  }

  call(name: string, input: unknown, ctx: WireCallContext): Promise<Result<unknown>> {
    // Who calls is the token's member: the studio decides the role, never this machine. The caller's key (a
    // repeat of a call whose answer was lost) goes on; without one each mutating call gets its own.
    return this.client.call(name, input, ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {});
  }

  /** Who the token is on the studio: its role, the studio's refusal, or STUDIO_UNREACHABLE. */
  session(): Promise<Result<{ role: string }>> {
    return this.client.session();
  }

  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: CoreStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  media(req: MediaRequest): Promise<MediaResponse> {
    const id = /^media-(?:preview|release):\/\/media\/([^/?#]+)/.exec(req.url)?.[1];
    if (!id) return Promise.resolve({ status: 404, headers: { 'content-type': 'text/plain' }, body: null });
    return this.download(`media/${id}`, req);
  }

  /** A GET (`media/<id>`, `exports/<name>/<file>`, %-encoded as it came) streamed from the studio, which decides what the member's role may see. */
  async download(path: string, req: { method: string; range: string | null }): Promise<MediaResponse> {
    try {
      const res = await fetch(new URL(path, this.client.base), {
        method: req.method === 'HEAD' ? 'HEAD' : 'GET',
        headers: { authorization: `Bearer ${this.o.token}`, ...(req.range ? { range: req.range } : {}) },
      });
      const headers: Record<string, string> = {};
      for (const k of ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified', 'content-disposition']) {
        const v = res.headers.get(k);
        if (v !== null) headers[k] = v;
      }
      return { status: res.status, headers, body: res.body };
    } catch {
      return { status: 503, headers: { 'content-type': 'text/plain' }, body: null };
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    const s = this.socket;
    this.socket = null;
    if (s && s.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.terminate();
      });
    }
  }

  private connect(): void {
    if (this.disposed) return;
    const url = new URL('events', this.client.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // The studio checks Origin like a browser's: this client speaks for the studio's own origin.
    const s = new WebSocket(url, { headers: { authorization: `Bearer ${this.o.token}` }, origin: this.client.base.origin, handshakeTimeout: 10_000 });
    this.socket = s;
    s.on('open', () => {
      this.wait = this.o.reconnectMs ?? 500;
      if (this.isDown) this.status({ state: 'restarted', message: `Connected to the studio at ${this.origin} again.` });
      this.isDown = false;
      this.wasOpen = true;
    });
    s.on('message', (data) => {
      let msg: { event?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.event !== 'string') return;
      for (const l of this.listeners) l(msg.event, msg.payload);
    });
    s.on('unexpected-response', (_req, res) => {
      // 401/403: the token was refused (expired, revoked): no point retrying until the user acts.
      const refused = res.statusCode === 401 || res.statusCode === 403;
      this.status({ state: refused ? 'failed' : 'stopped', message: refused ? `The studio at ${this.origin} refused this machine's token (HTTP ${res.statusCode}); connect again with a new invite.` : `The studio at ${this.origin} answered HTTP ${res.statusCode}; reconnecting…` });
      this.isDown = true;
      if (refused) this.disposed = true;
      s.terminate();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      if (this.socket !== s || this.disposed) return;
      if (!this.isDown) this.status({ state: 'stopped', message: `The studio at ${this.origin} cannot be reached; reconnecting… What you type is kept.` });
      this.isDown = true;
      this.timer = setTimeout(() => this.connect(), this.wait);
      this.wait = Math.min(MAX_RECONNECT_MS, this.wait * 2);
    });
  }

  /** Whether the events socket has ever been open (the studio answered at least once). */
  get hasConnected(): boolean {
    return this.wasOpen;
  }

  private status(s: CoreStatus): void {
    for (const l of this.statusListeners) l(s);
  }
}
