import { z } from 'zod';
import { mutation, query } from './define';
import { ProjectId } from './projects';

export const ExportResultDto = z.object({
  dir: z.string(),
  manifestFile: z.string(),
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

export const exportsCalls = {
  /** Where an export would write and what, before writing: the folder (absolute), new or not, the file names, clashes. */
  'export.check': query(z.object(ExportTarget).strict(), ExportCheck, 'producer'),
  /** The project's finals (release takes only), the stitched sequence and a manifest, into a folder; marks them Published. */
  'export.run': mutation(
    z
      .object({
        ...ExportTarget,
        crossfadeSec: z.number().min(0).max(2).optional(),
        /** Put each take's prompt in the manifest (off unless the user asks). */
        withPrompts: z.boolean().default(false),
      })
      .strict(),
    ExportResultDto,
    'producer',
  ),
} as const;

export const exportsEvents = {
  'export.progressed': z.object({ projectId: ProjectId, fraction: z.number().min(0).max(1) }),
} as const;
