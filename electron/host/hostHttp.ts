import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/errors';
import { TokenBucket } from '../core/queue/resilience/tokenBucket';

/** A JSON answer that is never cached or sniffed. */
/** The headers of every JSON answer (sendJson, and a kept-posted call's early 200). */
export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, JSON_HEADERS);
  res.end(data);
}

/**
 * The request body, up to maxBody bytes. A longer one is read to its end and dropped (so the client
 * can read our 413 instead of a reset); only a sender far past the limit gets the socket closed.
 */
export function readBody(req: IncomingMessage, maxBody: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new AppError('TOO_LARGE', `Request body is larger than the limit of ${maxBody} bytes; send less.`, { field: '(body)', limitBytes: maxBody });
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
      else if (size > maxBody * 16) {
        reject(tooLarge());
        req.destroy();
      }
    });
    req.on('end', () => (size > maxBody ? reject(tooLarge()) : resolveBody(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** The renderer's CSP: its own origin only, plus the events socket at these origins. */
export function contentSecurityPolicy(socketOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    `connect-src 'self' ${socketOrigins.join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Requests per budget: one budget per TCP connection (keep-alive requests share it), or, for a request
 * through a trusted proxy (whose one connection carries many members), one per client address.
 */
export class RequestBudgets {
  private readonly bySocket = new WeakMap<object, TokenBucket>();
  private readonly byClient = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: { burst: number; perSecond: number },
    private readonly clock: { now(): number },
    /** The client's address when the request came through a trusted proxy, else null. */
    private readonly proxiedClient: (req: IncomingMessage) => string | null,
  ) {}

  take(req: IncomingMessage): boolean {
    const client = this.proxiedClient(req);
    let b = client === null ? this.bySocket.get(req.socket) : this.byClient.get(client);
    if (!b) {
      b = new TokenBucket({ capacity: this.limit.burst, refillPerSec: this.limit.perSecond }, this.clock);
      if (client === null) this.bySocket.set(req.socket, b);
      else {
        if (this.byClient.size >= 10_000) this.byClient.clear(); // bounded: a flood of addresses costs fresh budgets, not memory
        this.byClient.set(client, b);
      }
    }
    return b.tryTake();
  }
}
