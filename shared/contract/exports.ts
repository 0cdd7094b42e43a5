import { z } from 'zod';
import { mutation, query } from './define';
import { Drawing } from './drawing';
import { ProjectId } from './projects';

export const MANIFEST_FORMAT = 'circletake-export/1';

/** A reviewer's comment on the take, with its timecode, range and drawing (vector, frame-relative 0..1). */
export const ManifestComment = z.object({
  author: z.string(),
  body: z.string(),
  atSec: z.number().nullable(),
  endSec: z.number().nullable(),
  drawing: Drawing.nullable(),
  createdAt: z.string(),
});
export type ManifestComment = z.infer<typeof ManifestComment>;

export const ManifestTake = z.object({
  shotPosition: z.number().int(),
  /** The shot's name and the take's number in it (Take 3), as the board shows them. */
  shotName: z.string().nullable(),
  takeNumber: z.number().int().nullable(),
  takeId: z.string(),
  artifactId: z.string(),
  file: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  paramsHash: z.string(),
  model: z.string(),
  seed: z.number().int().nullable(),
  /** The auto-check's verdict on the release take: passed, failed, error, pending (null: not recorded). */
  checkStatus: z.string().nullable(),
  /** Only when the export was asked to include prompts (they are the studio's work; off by default). */
  prompt: z.string().optional(),
  negativePrompt: z.string().nullable().optional(),
  creditsSpent: z.number().int(),
  /** Review comments on the take (on the preview it re-renders), oldest first. */
  comments: z.array(ManifestComment),
});
export type ManifestTake = z.infer<typeof ManifestTake>;

/** manifest.json, as written beside the exported files. */
export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  projectId: z.string(),
  projectName: z.string().nullable(),
  /** Whether each take carries its prompt (the user opted in). */
  hasPrompts: z.boolean(),
  exportedAt: z.string(),
  takes: z.array(ManifestTake),
  sequence: z.object({ file: z.string(), sha256: z.string(), sizeBytes: z.number().int() }).nullable(),
  creditsSpent: z.number().int(),
});
export type Manifest = z.infer<typeof Manifest>;

export const ExportResultDto = z.object({
  dir: z.string(),
  manifestFile: z.string(),
  /**
   * The manifest as written (what `circletake export --json` prints). Prompts appear in it only for the
   * owner's own session: a producer's answer leaves them out even when the file carries them.
   */
  manifest: Manifest,
  takes: z.array(z.object({ shotPosition: z.number().int(), takeId: z.string(), file: z.string(), sha256: z.string() })),
  sequenceFile: z.string().nullable(),
  creditsSpent: z.number().int(),
});

/** What an export into a folder would write, checked before anything is: shown to the user first. */
export const ExportCheck = z.object({
  /** The folder, absolute, as it will be written. */
  dir: z.string(),
  /** It does not exist yet: the export creates it. */
  isNew: z.boolean(),
  /** The files the export writes there, in order. */
  files: z.array(z.string()),
  /** Files already there with those names (the export would refuse). */
  clashes: z.array(z.string()),
});
export type ExportCheck = z.infer<typeof ExportCheck>;

const ExportTarget = {
  projectId: ProjectId,
  /** An absolute folder path (a relative one is refused: it would land wherever Circle Take was started). */
  toDir: z.string().min(1, 'name the folder to export into').max(4096),
  withSequence: z.boolean().default(true),
};

/** `circletake stitch --json` (fixed): the sequence written, its length, sha256 and shape. */
export const StitchResultDto = z.object({
  outFile: z.string(),
  durationSec: z.number(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  target: z.object({ width: z.number().int(), height: z.number().int(), fps: z.number(), sampleRate: z.number().int() }),
});

export const exportsCalls = {
  /**
   * `circletake stitch`: the project's finals joined in shot order into one MP4 at an absolute path.
   * The owner's only: it writes anywhere on this machine. A producer gets the same sequence inside an
   * export (export.run), which lands in the app's exports folder.
   */
  'stitch.run': mutation(
    z
      .object({
        projectId: ProjectId,
        outFile: z.string().min(1, 'name the file to write').max(4096),
        /** Seconds of audio crossfade at each cut (default 0.25; 0 = hard cut). */
        crossfadeSec: z.number().min(0).max(5).optional(),
        /** Replace a file already at outFile (refused otherwise). */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    StitchResultDto,
  ),
  /** Where an export would write and what, before writing: the folder (absolute), new or not, the file names, clashes. */
  'export.check': query(z.object(ExportTarget).strict(), ExportCheck),
  /** The project's finals (release takes only), the stitched sequence and a manifest, into a folder; marks them Published. */
  'export.run': mutation(
    z
      .object({
        ...ExportTarget,
        /** Seconds of audio crossfade at each cut (the stitcher's range; default 0.25). */
        crossfadeSec: z.number().min(0).max(5).optional(),
        /** Put each take's prompt in the manifest (off unless the user asks). */
        withPrompts: z.boolean().default(false),
      })
      .strict(),
    ExportResultDto,
  ),
} as const;

export const exportsEvents = {
  'export.progressed': z.object({ projectId: ProjectId, fraction: z.number().min(0).max(1) }),
  /** A stitch.run's progress (the owner's session only). */
  'stitch.progressed': z.object({ projectId: ProjectId, fraction: z.number().min(0).max(1) }),
} as const;
