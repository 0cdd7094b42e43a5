import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ArtifactClass } from '../../../shared/money/params';
import type { MediaStore } from './store/mediaStore';
import type { ThumbnailService } from './thumbs/thumbnailService';

/**
 * Media id → file, for the two doors that serve bytes: `GET /media/<id>` in the browser host and the
 * `media-preview:` / `media-release:` protocols in Electron. Ids only: `art_…` (the clip), `art_….poster`
 * and `art_….sprite` (thumbnails, once made). Anything else, an unknown or swept id, or a file that does
 * not resolve (realpath) inside its class root gives null. With `cls`, only that class's root is reachable.
 * A clip kept in an object store resolves to `object` (opened by byte range, proxied, never a URL), under
 * the same class rule; its thumbnails are made locally and resolve as files.
 */
export type ResolvedMedia = ResolvedFile | ResolvedObject;

export interface ResolvedFile {
  file: string;
  contentType: string;
  sizeBytes: number;
  class: ArtifactClass;
  /** The class root the file was checked against. */
  root: string;
}

export interface ResolvedObject {
  object: (range?: { start: number; end: number }) => Promise<Readable>;
  contentType: string;
  sizeBytes: number;
  class: ArtifactClass;
}

export type MediaResolver = (mediaId: string, cls?: ArtifactClass) => Promise<ResolvedMedia | null>;

const MEDIA_ID = /^(art_[0-9a-z]{10,40})(?:\.(poster|sprite))?$/;

export function createMediaResolver(store: MediaStore, thumbs: ThumbnailService): MediaResolver {
  return async (mediaId, cls) => {
    const m = MEDIA_ID.exec(mediaId);
    if (!m) return null;
    const [, id, kind] = m;
    if (kind === undefined) {
      const r = await store.resolveFile(id!, cls);
      if (r) return { ...r, root: store.rootOf(r.class) };
      const o = await store.resolveObject(id!, cls);
      return o ? { object: o.open, contentType: o.contentType, sizeBytes: o.sizeBytes, class: o.class } : null;
    }
    const a = await store.find(id!);
    if (!a) return null;
    const t = thumbs.resolveFile(a, kind as 'poster' | 'sprite', cls);
    return t ? { ...t, sizeBytes: statSync(t.file).size, class: a.class, root: store.rootOf(a.class) } : null;
  };
}
