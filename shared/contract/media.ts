import { z } from 'zod';
import { ArtifactClass, ProviderId } from '../money/params';
import { mutation, query } from './define';
import { ProjectId } from './projects';

/**
 * Media: stored artifacts (preview/release), the auto-check report, thumbnails, registered
 * watermarks and retention. Media bytes never cross the contract: the renderer loads them by id
 * through `mediaUrl()` (a custom protocol in Electron, `GET /media/<id>` in the browser host).
 */
export const ArtifactId = z.string().regex(/^art_[0-9a-z]{10,40}$/, 'must be an artifact id like art_…');

/** An artifact id, or its poster/sprite: `art_….poster`, `art_….sprite`. */
export const MediaId = z.string().regex(/^art_[0-9a-z]{10,40}(\.(poster|sprite))?$/, 'must be a media id like art_… or art_….poster');
export type MediaId = z.infer<typeof MediaId>;

export const Artifact = z.object({
  id: ArtifactId,
  class: ArtifactClass,
  projectId: z.string(),
  jobId: z.string(),
  /** Variation index within the job. */
  n: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().min(0),
  /** ms since the epoch. */
  createdAt: z.number().int(),
  /** When retention removed the file (params and metadata stay); null while the file exists. */
  sweptAt: z.number().int().nullable(),
});
export type ArtifactDto = z.infer<typeof Artifact>;

/**
 * The auto-check report: exactly the `circletake check --json` output.
 * `value` is each check's number (seconds, percent, dB, match score) or text ("912x512"), or null when
 * it could not be measured; `detail` says it in words with the limit it was judged against.
 */
export const CheckName = z.enum(['decode', 'duration', 'resolution', 'black', 'freeze', 'audio', 'watermark']);
export type CheckName = z.infer<typeof CheckName>;
export const CheckItem = z.object({
  name: CheckName,
  ok: z.boolean(),
  value: z.union([z.number(), z.string(), z.null()]),
  detail: z.string(),
});
export type CheckItem = z.infer<typeof CheckItem>;
export const CheckReport = z.object({ ok: z.boolean(), checks: z.array(CheckItem) });
export type CheckReport = z.infer<typeof CheckReport>;

export const CheckExpectationsInput = z
  .object({
    durationSec: z.number().positive('must be more than 0 seconds').max(3600).optional(),
    width: z.number().int().min(16).max(8192).optional(),
    height: z.number().int().min(16).max(8192).optional(),
    /** true: the clip must carry audible audio. */
    audio: z.boolean().optional(),
  })
  .strict();

export const StoredCheck = z.object({ artifactId: ArtifactId, report: CheckReport, checkedAt: z.number().int() });

export const Thumbnails = z.object({
  artifactId: ArtifactId,
  posterId: MediaId,
  spriteId: MediaId,
  /** Frames in the sprite, left to right then top to bottom. */
  frames: z.number().int().min(1),
  columns: z.number().int().min(1),
  rows: z.number().int().min(1),
  frameWidth: z.number().int().min(1),
  frameHeight: z.number().int().min(1),
  /** Seconds between sprite frames. */
  intervalSec: z.number().positive(),
});
export type ThumbnailsDto = z.infer<typeof Thumbnails>;

export const WatermarkCorner = z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']);
export const RegisteredWatermark = z.object({
  provider: ProviderId,
  sha256: z.string(),
  corner: WatermarkCorner,
  marginPx: z.number().int().min(0),
  width: z.number().int(),
  height: z.number().int(),
  registeredAt: z.number().int(),
});

export const RetentionItem = z.object({
  artifactId: ArtifactId,
  class: ArtifactClass,
  projectId: z.string(),
  ageDays: z.number(),
  sizeBytes: z.number().int(),
  /** Why it stays despite its age (shortlisted, awaiting finalize, published), or null when it goes. */
  keptBecause: z.string().nullable(),
});
export const RetentionPlan = z.object({
  previewDays: z.number().int(),
  releaseDays: z.number().int(),
  /** Over age and not protected: removed by a sweep. */
  goes: z.array(RetentionItem),
  /** Over age but protected. */
  kept: z.array(RetentionItem),
  bytesFreed: z.number().int(),
});
export type RetentionPlanDto = z.infer<typeof RetentionPlan>;

export const mediaCalls = {
  'media.get': query(z.object({ id: ArtifactId }).strict(), Artifact),
  'media.list': query(z.object({ projectId: ProjectId, class: ArtifactClass.optional() }).strict(), z.array(Artifact)),
  /** Runs the auto-check on a stored clip; `provider` picks that provider's registered watermark. */
  'media.check': mutation(z.object({ id: ArtifactId, expect: CheckExpectationsInput.default({}), provider: ProviderId.optional() }).strict(), CheckReport),
  /**
   * `circletake check FILE`: the auto-check of any clip on this machine, by absolute path (nothing is
   * stored). The owner's only: a path reads the owner's disk, which no review session may probe.
   * `class` preview: the watermark must be there; release: it must not; unset: its score is reported.
   */
  'media.checkFile': query(
    z
      .object({
        file: z.string().min(1, 'name the clip to check').max(4096),
        expect: CheckExpectationsInput.default({}),
        class: ArtifactClass.optional(),
      })
      .strict(),
    CheckReport,
  ),
  'media.lastCheck': query(z.object({ id: ArtifactId }).strict(), StoredCheck.nullable()),
  'media.thumbnails': query(z.object({ id: ArtifactId }).strict(), Thumbnails),
  'media.watermarks': query(z.object({}).strict(), z.array(RegisteredWatermark)),
  'media.registerWatermark': mutation(
    z
      .object({
        provider: ProviderId,
        imageFile: z.string().min(1, 'must name an image file').max(4096),
        corner: WatermarkCorner.default('bottom-right'),
        marginPx: z.number().int().min(0).max(512).default(16),
      })
      .strict(),
    RegisteredWatermark,
  ),
  'retention.plan': query(z.object({}).strict(), RetentionPlan),
  'retention.sweep': mutation(z.object({}).strict(), RetentionPlan),
} as const;

export const mediaEvents = {
  'media.stored': z.object({ artifact: Artifact }),
  'media.checked': z.object({ artifactId: ArtifactId, ok: z.boolean() }),
  'media.swept': z.object({ artifactIds: z.array(ArtifactId) }),
} as const;

/** Where the renderer loads a media id: the Electron protocol of its class, or the host route. */
export function mediaUrl(door: 'electron' | 'host', cls: ArtifactClass, id: MediaId): string {
  return door === 'electron' ? `media-${cls}://media/${id}` : `/media/${id}`;
}
