import { closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ArtifactClass } from '../../../../shared/money/params';
import { parseRange, rangeHeaders } from '../httpRange';
import type { MediaResolver } from '../mediaResolver';
import { openInside } from './openInside';

/**
 * The Electron media protocols' request logic, free of Electron so it is fuzzed under Node:
 *   media-preview://media/<id>   → only files under <data>/preview
 *   media-release://media/<id>   → only files under <data>/release
 * Ids only; anything else — another host, a path, an id of the other class, a file that is not
 * (or no longer) inside the class root — is a 404 with no body. The answer carries an open
 * descriptor and the byte range to send; the caller streams it and closes it.
 */
export interface MediaAnswer {
  status: number;
  headers: Record<string, string>;
  /** null for 404, HEAD and 416. An open descriptor for a local file; `open` for an object in a bucket. */
  body: { fd: number; start: number; end: number } | { open: () => Promise<Readable>; start: number; end: number } | null;
}

export const NOT_FOUND: MediaAnswer = Object.freeze({ status: 404, headers: { 'content-type': 'text/plain' }, body: null });

export async function answerMediaRequest(req: { url: string; method: string; range: string | null }, cls: ArtifactClass, resolve: MediaResolver): Promise<MediaAnswer> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return NOT_FOUND;
  }
  if (url.protocol !== `media-${cls}:` || url.host !== 'media' || url.search !== '' || (req.method !== 'GET' && req.method !== 'HEAD')) return NOT_FOUND;
  let id: string;
  try {
    id = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  } catch {
    return NOT_FOUND;
  }
  return answerById(id, req, cls, resolve);
}

/** The same answer for a decoded media id (the host's GET /media/<id> uses this too). */
export async function answerById(id: string, req: { method: string; range: string | null }, cls: ArtifactClass | undefined, resolve: MediaResolver): Promise<MediaAnswer> {
  const media = await resolve(id, cls);
  if (!media || (cls !== undefined && media.class !== cls)) return NOT_FOUND;
  if ('object' in media) {
    const range = parseRange(req.range, media.sizeBytes);
    const { status, headers } = rangeHeaders(range, media.sizeBytes, media.contentType);
    if (req.method === 'HEAD' || range.kind === 'unsatisfiable' || media.sizeBytes === 0) return { status, headers, body: null };
    const span = range.kind === 'partial' ? { start: range.start, end: range.end } : { start: 0, end: media.sizeBytes - 1 };
    return { status, headers, body: { ...span, open: () => media.object(span) } };
  }
  const opened = openInside(media.root, media.file);
  if (!opened) return NOT_FOUND;
  const range = parseRange(req.range, opened.size);
  const { status, headers } = rangeHeaders(range, opened.size, media.contentType);
  if (req.method === 'HEAD' || range.kind === 'unsatisfiable' || opened.size === 0) {
    closeQuietly(opened.fd);
    return { status, headers, body: null };
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : opened.size - 1;
  return { status, headers, body: { fd: opened.fd, start, end } };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
