import { protocol } from 'electron';
import { createReadStream, realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { parseRange, rangeHeaders } from '../core/media/httpRange';
import type { MediaResolver } from '../core/media/mediaResolver';

/**
 * Serves media by id on the two schemes registered in appProtocol.ts:
 *   media-preview://media/<id>   → only files under <data>/preview
 *   media-release://media/<id>   → only files under <data>/release
 * Ids only (`art_…`, `art_….poster`, `art_….sprite`); the resolver maps them within the scheme's class,
 * and the file's realpath is checked again here to lie inside that root. Range requests are honoured so
 * <video> can seek. Call once, after app is ready and core exists: handleMediaProtocols(core.resolveMedia).
 */
const CLASSES = ['preview', 'release'] as const;

export function handleMediaProtocols(resolve: MediaResolver): void {
  for (const cls of CLASSES) {
    protocol.handle(`media-${cls}`, (request) => {
      const url = new URL(request.url);
      if (url.host !== 'media' || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
      let id: string;
      try {
        id = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
      } catch {
        return notFound();
      }
      const media = resolve(id, cls);
      if (!media || media.class !== cls || !isInside(media.root, media.file)) return notFound();
      const range = parseRange(request.headers.get('range'), media.sizeBytes);
      const { status, headers } = rangeHeaders(range, media.sizeBytes, media.contentType);
      if (request.method === 'HEAD' || range.kind === 'unsatisfiable') return new Response(null, { status, headers });
      const stream = createReadStream(media.file, range.kind === 'partial' ? { start: range.start, end: range.end } : {});
      return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
    });
  }
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
}

function isInside(root: string, file: string): boolean {
  try {
    const rel = relative(realpathSync(root), realpathSync(file));
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  } catch {
    return false;
  }
}
