import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';

/**
 * Pure layout of the media stores under the data dir:
 *
 *   <data>/preview/{projectId}/{yyyy-mm-dd}/{jobId}-{n}.mp4
 *   <data>/release/{projectId}/{yyyy-mm-dd}/{jobId}-{n}.mp4
 *   <data>/{class}/.tmp/        temp files (same filesystem, so the final rename is atomic)
 *   <data>/{class}/.thumbs/     posters and sprites by content hash
 *
 * Ids and dates only — never prompt text — and every part is checked against a strict pattern, so a
 * path can never leave its class root.
 */
export const ID_PATTERN = /^[a-z]{2,8}_[0-9a-z]{4,64}$/;
export const EXTENSIONS = ['mp4', 'mov', 'webm', 'mkv'] as const;
export type ClipExtension = (typeof EXTENSIONS)[number];

export function assertId(value: string, field: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new AppError('VALIDATION', `${field} must be an id like prj_1a2b3c (lower-case letters, an underscore, then letters and digits); got "${value.slice(0, 80)}".`, {
      field,
    });
  }
}

/** UTC calendar day of a timestamp, yyyy-mm-dd. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The path of a clip relative to its class root, with forward slashes. */
export function clipRelPath(p: { projectId: string; jobId: string; n: number; createdAt: number; ext?: ClipExtension }): string {
  assertId(p.projectId, 'projectId');
  assertId(p.jobId, 'jobId');
  if (!Number.isInteger(p.n) || p.n < 0 || p.n > 9999) {
    throw new AppError('VALIDATION', `n must be a whole number from 0 to 9999; got ${p.n}.`, { field: 'n' });
  }
  const ext = p.ext ?? 'mp4';
  if (!EXTENSIONS.includes(ext)) throw new AppError('VALIDATION', `ext must be one of ${EXTENSIONS.join(', ')}.`, { field: 'ext' });
  return `${p.projectId}/${dayOf(p.createdAt)}/${p.jobId}-${p.n}.${ext}`;
}

/** True for a relative path this layout could have produced (checked again before any file is served). */
export function isLayoutPath(rel: string): boolean {
  return /^[a-z]{2,8}_[0-9a-z]{4,64}\/\d{4}-\d{2}-\d{2}\/[a-z]{2,8}_[0-9a-z]{4,64}-\d{1,4}\.(mp4|mov|webm|mkv)$/.test(rel);
}

export const classDirName = (cls: ArtifactClass): string => cls;
export const TMP_DIR = '.tmp';
export const THUMBS_DIR = '.thumbs';

export function contentTypeOf(rel: string): string {
  if (rel.endsWith('.mp4')) return 'video/mp4';
  if (rel.endsWith('.mov')) return 'video/quicktime';
  if (rel.endsWith('.webm')) return 'video/webm';
  if (rel.endsWith('.mkv')) return 'video/x-matroska';
  if (rel.endsWith('.webp')) return 'image/webp';
  return 'application/octet-stream';
}
