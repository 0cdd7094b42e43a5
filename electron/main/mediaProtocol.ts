import { protocol } from 'electron';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { answerMediaRequest } from '../core/media/serve/mediaRequest';
import type { MediaResolver } from '../core/media/mediaResolver';

/**
 * Serves media by id on the two schemes registered in appProtocol.ts:
 *   media-preview://media/<id>   → only files under <data>/preview
 *   media-release://media/<id>   → only files under <data>/release
 * The decision (ids only, the scheme's own root, the opened file checked to lie inside it, ranges)
 * is core/media/serve/mediaRequest.ts, fuzzed under Node; this adapter only turns its answer into a
 * Response. Call once, after app is ready and core exists: handleMediaProtocols(core.resolveMedia).
 */
const CLASSES = ['preview', 'release'] as const;

export function handleMediaProtocols(resolve: MediaResolver): void {
  for (const cls of CLASSES) {
    protocol.handle(`media-${cls}`, async (request) => {
      const a = answerMediaRequest({ url: request.url, method: request.method, range: request.headers.get('range') }, cls, resolve);
      if (!a.body) return new Response(a.status === 404 ? 'Not found' : null, { status: a.status, headers: a.headers });
      const body = a.body;
      const stream = 'fd' in body ? createReadStream('', { fd: body.fd, start: body.start, end: body.end, autoClose: true }) : await body.open().catch(() => null);
      if (!stream) return new Response('The object store did not answer', { status: 502 });
      return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: a.status, headers: a.headers });
    });
  }
}
