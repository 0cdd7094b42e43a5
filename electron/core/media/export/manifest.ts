/**
 * Pure: the export manifest (manifest.json beside the exported files) and the exported file names.
 * Names carry the shot's position and name and the take's number, never prompt text.
 */
import type { Drawing } from '../../../../shared/contract/drawing';

export const MANIFEST_NAME = 'manifest.json';
export const SEQUENCE_NAME = 'sequence.mp4';
export const MANIFEST_FORMAT = 'circletake-export/1';

/** A reviewer's comment on the take, with its timecode, range and drawing (vector, frame-relative 0..1). */
export interface ManifestComment {
  author: string;
  body: string;
  atSec: number | null;
  endSec: number | null;
  drawing: Drawing | null;
  createdAt: string;
}

export interface ManifestTake {
  shotPosition: number;
  /** The shot's name and the take's number in it (Take 3), as the board shows them. */
  shotName: string | null;
  takeNumber: number | null;
  takeId: string;
  artifactId: string;
  file: string;
  sha256: string;
  sizeBytes: number;
  paramsHash: string;
  model: string;
  seed: number | null;
  /** The auto-check's verdict on the release take: passed, failed, error, pending (null: not recorded). */
  checkStatus: string | null;
  /** Only when the export was asked to include prompts (they are the studio's work; off by default). */
  prompt?: string;
  negativePrompt?: string | null;
  creditsSpent: number;
  /** Review comments on the take (on the preview it re-renders), oldest first. */
  comments: ManifestComment[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  projectId: string;
  projectName: string | null;
  /** Whether each take carries its prompt (the user opted in). */
  hasPrompts: boolean;
  exportedAt: string;
  takes: ManifestTake[];
  sequence: { file: string; sha256: string; sizeBytes: number } | null;
  creditsSpent: number;
}

/** A shot name as a file-name part: lower case ASCII letters and digits joined by "-", at most 40 characters. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'shot';
}

/**
 * `01-opening_take-3.mp4`: shot position, shot name and the take's number in its shot, as a person
 * would file them. Without a shot name and number (an older caller), the position and take id.
 */
export function takeFileName(e: { shotPosition: number; shotName?: string | null; takeNumber?: number | null; takeId: string }, artifactId: string, ext = 'mp4'): string {
  const pos = String(Math.max(0, Math.floor(e.shotPosition))).padStart(2, '0');
  if (e.shotName && e.takeNumber) return `${pos}-${slugOf(e.shotName)}_take-${e.takeNumber}.${ext}`;
  const id = /^[a-z]{2,8}_[0-9a-z]{4,64}$/.test(e.takeId) ? e.takeId : artifactId;
  return `shot-${pos}-${id}.${ext}`;
}

export function buildManifest(m: { projectId: string; projectName?: string | null; hasPrompts?: boolean; exportedAt: number; takes: ManifestTake[]; sequence: Manifest['sequence'] }): Manifest {
  const takes = [...m.takes].sort((a, b) => a.shotPosition - b.shotPosition);
  return {
    format: MANIFEST_FORMAT,
    projectId: m.projectId,
    projectName: m.projectName ?? null,
    hasPrompts: m.hasPrompts === true,
    exportedAt: new Date(m.exportedAt).toISOString(),
    takes,
    sequence: m.sequence,
    creditsSpent: takes.reduce((s, t) => s + t.creditsSpent, 0),
  };
}
