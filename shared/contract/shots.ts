import { z } from 'zod';
import { mutation, query } from './define';
import { ProjectId } from './projects';
import { SafeName } from './names';

export const ShotId = z.string().regex(/^sht_[0-9a-z]{10,40}$/, 'must be a shot id like sht_…');
export const ShotName = SafeName;

export const Shot = z.object({
  id: ShotId,
  projectId: ProjectId,
  name: z.string(),
  /** 1-based place in the sequence; finals are stitched in this order. */
  position: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Shot = z.infer<typeof Shot>;

export const shotsCalls = {
  'shots.list': query(z.object({ projectId: ProjectId }).strict(), z.array(Shot)),
  'shots.create': mutation(z.object({ projectId: ProjectId, name: ShotName }).strict(), Shot),
  'shots.rename': mutation(z.object({ id: ShotId, name: ShotName }).strict(), Shot),
  /** Moves a shot to a 1-based position; the others close up around it. */
  'shots.move': mutation(z.object({ id: ShotId, position: z.number().int().positive() }).strict(), z.array(Shot)),
  'shots.delete': mutation(z.object({ id: ShotId }).strict(), z.object({ id: ShotId })),
} as const;

export const shotsEvents = {
  'shots.changed': z.object({ projectId: ProjectId, shots: z.array(Shot) }),
} as const;
