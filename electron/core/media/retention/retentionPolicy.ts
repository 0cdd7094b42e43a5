import type { RetentionPlanDto } from '../../../../shared/contract/media';
import type { StoredArtifact } from '../store/artifact';

/**
 * Pure retention decisions. Preview binaries go after `previewDays` (default 7) unless their take is
 * shortlisted or awaiting finalize; release binaries after `releaseDays` (default 90) unless published.
 * Which artifacts are protected, and why, comes from the takes service (a ProtectionSource).
 */
export interface RetentionPolicy {
  previewDays: number;
  releaseDays: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = { previewDays: 7, releaseDays: 90 };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The oldest creation time that is still kept, per class. */
export function cutoffs(now: number, p: RetentionPolicy): { preview: number; release: number } {
  return { preview: now - p.previewDays * DAY_MS, release: now - p.releaseDays * DAY_MS };
}

export function planRetention(
  candidates: readonly StoredArtifact[],
  protectedIds: ReadonlyMap<string, string>,
  now: number,
  p: RetentionPolicy,
): RetentionPlanDto {
  const goes: RetentionPlanDto['goes'] = [];
  const kept: RetentionPlanDto['kept'] = [];
  const limit = cutoffs(now, p);
  for (const a of candidates) {
    if (a.sweptAt !== null || a.createdAt >= limit[a.class]) continue;
    const why = protectedIds.get(a.id) ?? null;
    const item = {
      artifactId: a.id,
      class: a.class,
      projectId: a.projectId,
      ageDays: Math.floor(((now - a.createdAt) / DAY_MS) * 10) / 10,
      sizeBytes: a.sizeBytes,
      keptBecause: why,
    };
    (why === null ? goes : kept).push(item);
  }
  return { previewDays: p.previewDays, releaseDays: p.releaseDays, goes, kept, bytesFreed: goes.reduce((s, i) => s + i.sizeBytes, 0) };
}
