/**
 * Pure: the export manifest (manifest.json beside the exported files) and the exported file names.
 * Names carry shot positions and ids only, never prompt text.
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
  takeId: string;
  artifactId: string;
  file: string;
  sha256: string;
  sizeBytes: number;
  paramsHash: string;
  model: string;
  creditsSpent: number;
  /** Review comments on the take (on the preview it re-renders), oldest first. */
  comments: ManifestComment[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  projectId: string;
  exportedAt: string;
  takes: ManifestTake[];
  sequence: { file: string; sha256: string; sizeBytes: number } | null;
  creditsSpent: number;
}

export function takeFileName(shotPosition: number, takeId: string, artifactId: string, ext = 'mp4'): string {
  const pos = String(Math.max(0, Math.floor(shotPosition))).padStart(2, '0');
  const id = /^[a-z]{2,8}_[0-9a-z]{4,64}$/.test(takeId) ? takeId : artifactId;
  return `shot-${pos}-${id}.${ext}`;
}

export function buildManifest(m: { projectId: string; exportedAt: number; takes: ManifestTake[]; sequence: Manifest['sequence'] }): Manifest {
  const takes = [...m.takes].sort((a, b) => a.shotPosition - b.shotPosition);
  return {
    format: MANIFEST_FORMAT,
    projectId: m.projectId,
    exportedAt: new Date(m.exportedAt).toISOString(),
    takes,
    sequence: m.sequence,
    creditsSpent: takes.reduce((s, t) => s + t.creditsSpent, 0),
  };
}
