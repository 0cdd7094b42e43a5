import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/errors';

/** A JSON answer that is never cached or sniffed. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
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
