import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ErrorPayload } from '../../shared/errors';
import type { MediaResolver } from '../core/media/mediaResolver';
import { answerById } from '../core/media/serve/mediaRequest';

/**
 * `GET /media/<id>` (and HEAD): streams a clip, poster or sprite by media id, with single-range
 * support so <video> can seek. The caller has already checked Host/Origin and the token (bearer or
 * the session cookie), and passes a resolver limited to the classes the session may see. Ids only:
 * the resolver maps an id to a file inside its class root, and the file actually opened is checked
 * again to lie inside that root (core/media/serve), so a symlink swapped in late serves nothing.
 */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  rawId: string,
  resolve: MediaResolver,
  sendError: (res: ServerResponse, e: ErrorPayload) => void,
): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return sendError(res, { code: 'VALIDATION', message: 'The media id is not valid %-encoding.', details: { field: '(path)' } });
  }
  const a = await answerById(id, { method: req.method ?? 'GET', range: req.headers.range ?? null }, undefined, resolve);
  if (a.status === 404) {
    return sendError(res, { code: 'NOT_FOUND', message: `No media with id "${id.slice(0, 80)}" (unknown, removed by retention, or not made yet).` });
  }
  res.writeHead(a.status, a.headers);
  if (!a.body) {
    res.end();
    return;
  }
  const body = a.body;
  const stream = 'fd' in body ? createReadStream('', { fd: body.fd, start: body.start, end: body.end, autoClose: true }) : await body.open().catch(() => null);
  if (!stream) return void res.destroy(); // the object store failed after the headers went: cut the response
  await pipeline(stream, res).catch(() => res.destroy()); // a client that stops reading mid-seek is normal
}
