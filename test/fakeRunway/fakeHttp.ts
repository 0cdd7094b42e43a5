import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeRoute, Fault } from './fakeFaults';

/** HTTP plumbing for the fake Runway: routing, bodies, and how a fault is played out on the wire. */
export interface RequestRecord {
  method: string;
  path: string;
  route: string;
  keyId: string | null;
  /** The answer's status; -1 when it never answered (hang), -2 when it dropped the connection. */
  status: number;
  headers: { idempotencyKey: string | null; retryCount: string | null; runwayVersion: string | null };
  /** When it arrived (the fake's clock). */
  at: number;
}

export function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

export function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export const taskIdOf = (url: URL): string => decodeURIComponent(url.pathname.slice('/v1/tasks/'.length));

export type Route = Exclude<FakeRoute, 'upload'> | 'uploads' | 'upload-storage' | 'unknown' | 'method';

export function routeOf(method: string, path: string): Route {
  const is = (m: string, r: Route): Route => (method === m ? r : 'method');
  if (path === '/v1/image_to_video' || path === '/v1/text_to_video') return is('POST', 'create');
  if (/^\/v1\/tasks\/[^/]+$/.test(path)) return method === 'GET' ? 'get' : method === 'DELETE' ? 'delete' : 'method';
  if (path === '/v1/organization') return is('GET', 'organization');
  if (path === '/v1/organization/usage') return is('POST', 'usage');
  if (path === '/v1/uploads') return is('POST', 'uploads');
  if (path.startsWith('/upload-storage/')) return is('POST', 'upload-storage');
  if (path.startsWith('/outputs/')) return is('GET', 'output');
  return 'unknown';
}

export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new Error('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Applies a fault; true when the response is finished (or abandoned), false to answer normally (a delay). */
export async function applyFault(f: Fault, res: ServerResponse, rec: RequestRecord, _req?: IncomingMessage): Promise<boolean> {
  switch (f.kind) {
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (f.retryAfter !== undefined) headers['retry-after'] = f.retryAfter;
      if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
      if (f.shouldRetry !== undefined) headers['x-should-retry'] = f.shouldRetry;
      rec.status = f.status;
      res.writeHead(f.status, headers).end(JSON.stringify({ error: f.error ?? defaultText(f.status) }));
      return true;
    }
    case 'delay':
      await new Promise((r) => setTimeout(r, f.ms));
      return false;
    case 'hang':
      rec.status = -1;
      return true;
    case 'reset':
      rec.status = -2;
      res.socket?.destroy();
      return true;
    case 'truncate':
      return false;
  }
}

function defaultText(status: number): string {
  if (status === 429) return 'Too many requests';
  if (status === 502) return 'Bad gateway';
  if (status === 503) return 'Service unavailable';
  if (status === 504) return 'Gateway timeout';
  return `Simulated ${status}`;
}
