import { z } from 'zod';
import { ArtifactClass } from '../money/params';
import { CheckItem } from './media';
import { query } from './define';
import { JobId, TakeId } from './jobs';
import { ProjectId } from './projects';
import { ShotId } from './shots';

/** A take's auto-check verdicts: the same items `circletake check` prints (shared/contract/media.ts). */
export { CheckName, CheckItem as CheckResult } from './media';

/** One output clip of a job. */
export const Take = z.object({
  id: TakeId,
  jobId: JobId,
  projectId: ProjectId,
  shotId: ShotId,
  n: z.number().int(),
  artifactClass: ArtifactClass,
  artifactId: z.string().nullable(),
  /** For a release take: the preview take it re-renders. */
  sourceTakeId: TakeId.nullable(),
  model: z.string(),
  durationSec: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  credits: z.number().int(),
  checkStatus: z.enum(['pending', 'passed', 'failed', 'error']),
  checks: z.array(CheckItem).nullable(),
  createdAt: z.number().int(),
});
export type Take = z.infer<typeof Take>;

/** Where a take's clip is on this machine (null once retention swept it): `circletake submit --wait` prints it. */
export const TakeFile = z.object({
  id: TakeId,
  path: z.string().nullable(),
  artifactClass: ArtifactClass,
  checkStatus: Take.shape.checkStatus,
});
export type TakeFile = z.infer<typeof TakeFile>;

export const takesCalls = {
  'takes.list': query(z.object({ projectId: ProjectId, shotId: ShotId.optional() }).strict(), z.array(Take)),
  'takes.get': query(z.object({ id: TakeId }).strict(), Take),
  /**
   * A job's takes with their files (for a cache hit, the takes of the job it reuses). The owner's only:
   * paths name the owner's disk; every other session plays media by id.
   */
  'takes.files': query(z.object({ jobId: JobId }).strict(), z.array(TakeFile)),
} as const;

export const takesEvents = {
  'takes.changed': z.object({ take: Take }),
} as const;
