/**
 * Pure: the export manifest (manifest.json beside the exported files) and the exported file names.
 * Names carry the shot's position and name and the take's number, never prompt text.
 */
import { MANIFEST_FORMAT, type Manifest, type ManifestComment, type ManifestTake } from '../../../../shared/contract/exports';

// The manifest's shape is the contract's (shared/contract/exports.ts): export.run returns it.
export { MANIFEST_FORMAT, type Manifest, type ManifestComment, type ManifestTake };

export const MANIFEST_NAME = 'manifest.json';
export const SEQUENCE_NAME = 'sequence.mp4';

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
