import { z } from 'zod';
import { ArtifactClass } from '../money/params';
import { query } from './define';
import { JobId, TakeId } from './jobs';
import { ProjectId } from './projects';
import { ShotId } from './shots';

export const CheckName = z.enum(['decode', 'duration', 'resolution', 'black', 'freeze', 'audio', 'watermark']);
export const CheckResult = z.object({ name: CheckName, ok: z.boolean(), value: z.unknown(), detail: z.string() });
export type CheckResult = z.infer<typeof CheckResult>;

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
  checks: z.array(CheckResult).nullable(),
  createdAt: z.number().int(),
});
export type Take = z.infer<typeof Take>;

export const takesCalls = {
  'takes.list': query(z.object({ projectId: ProjectId, shotId: ShotId.optional() }).strict(), z.array(Take), 'reviewer'),
  'takes.get': query(z.object({ id: TakeId }).strict(), Take, 'reviewer'),
} as const;

export const takesEvents = {
  'takes.changed': z.object({ take: Take }),
} as const;
