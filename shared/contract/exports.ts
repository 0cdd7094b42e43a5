import { z } from 'zod';
import { mutation } from './define';
import { ProjectId } from './projects';

export const ExportResultDto = z.object({
  dir: z.string(),
  manifestFile: z.string(),
  takes: z.array(z.object({ shotPosition: z.number().int(), takeId: z.string(), file: z.string(), sha256: z.string() })),
  sequenceFile: z.string().nullable(),
  creditsSpent: z.number().int(),
});

export const exportsCalls = {
  /** The project's finals (release takes only), the stitched sequence and a manifest, into a folder; marks them Published. */
  'export.run': mutation(
    z
      .object({
        projectId: ProjectId,
        toDir: z.string().min(1, 'name the folder to export into').max(4096),
        withSequence: z.boolean().default(true),
        crossfadeSec: z.number().min(0).max(2).optional(),
      })
      .strict(),
    ExportResultDto,
    'producer',
  ),
} as const;

export const exportsEvents = {
  'export.progressed': z.object({ projectId: ProjectId, fraction: z.number().min(0).max(1) }),
} as const;
