import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ErrorPayload } from '../../shared/errors';
import { parseRange, rangeHeaders } from '../core/media/httpRange';
import type { MediaResolver } from '../core/media/mediaResolver';

/**
 * `GET /media/<id>` (and HEAD): streams a clip, poster or sprite by media id, with single-range
 * support so <video> can seek. The caller has already checked Host/Origin and the token (bearer or
 * the session cookie). Ids only: the resolver maps an id to a file inside its class root or says no.
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
    return sendError(res, { code: 'NOT_FOUND', message: 'No media with that id.' });
  }
  const media = resolve(id);
  if (!media) return sendError(res, { code: 'NOT_FOUND', message: `No media with id "${id.slice(0, 80)}" (unknown, removed by retention, or not made yet).` });
  const range = parseRange(req.headers.range, media.sizeBytes);
  const { status, headers } = rangeHeaders(range, media.sizeBytes, media.contentType);
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || range.kind === 'unsatisfiable') {
    res.end();
    return;
  }
  const stream = createReadStream(media.file, range.kind === 'partial' ? { start: range.start, end: range.end } : {});
  await pipeline(stream, res).catch(() => res.destroy()); // a client that stops reading mid-seek is normal
}
