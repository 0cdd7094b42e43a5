import { z } from 'zod';
import { GenerationParams } from '../jobParams';
import { ArtifactClass, ProviderId } from '../money/params';
import { mutation, query } from './define';
import { ProjectId } from './projects';
import { ShotId } from './shots';
import { SafeName } from './names';

export const JobId = z.string().regex(/^job_[0-9a-z]{10,40}$/, 'must be a job id like job_…');
export const TakeId = z.string().regex(/^tk_[0-9a-z]{10,40}$/, 'must be a take id like tk_…');

export const JobStatus = z.enum(['queued', 'paused', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'unknown', 'discarded']);
export type JobStatus = z.infer<typeof JobStatus>;
export const TaskStatus = z.enum(['pending', 'intent', 'submitted', 'succeeded', 'failed', 'cancelled', 'unknown']);

export const JobTask = z.object({
  n: z.number().int(),
  status: TaskStatus,
  providerTaskId: z.string().nullable(),
  providerStatus: z.string().nullable(),
  progress: z.number().nullable(),
  costCredits: z.number().int().nullable(),
  failureCode: z.string().nullable(),
  failure: z.string().nullable(),
  takeId: z.string().nullable(),
});

/** A job as the board and the queue panel see it. Never carries the prompt. */
export const Job = z.object({
  id: JobId,
  projectId: ProjectId,
  shotId: ShotId,
  provider: ProviderId,
  model: z.string(),
  artifactClass: ArtifactClass,
  variations: z.number().int(),
  durationSec: z.number().nullable(),
  ratio: z.string().nullable(),
  paramsHash: z.string(),
  status: JobStatus,
  isCancelRequested: z.boolean(),
  priority: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.number().int(),
  estimatedCredits: z.number().int(),
  reservedCredits: z.number().int(),
  capturedCredits: z.number().int().nullable(),
  creditsSaved: z.number().int(),
  creditsBefore: z.number().int().nullable(),
  creditsAfter: z.number().int().nullable(),
  cacheOfJobId: JobId.nullable(),
  sourceTakeId: TakeId.nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** Who asked for it: a studio member's id (Connection.member.id), a review link's name, or null for the machine's owner. */
  submittedBy: z.string().nullable(),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  tasks: z.array(JobTask),
});
export type Job = z.infer<typeof Job>;

export const SubmitInput = z
  .object({
    params: GenerationParams,
    /** Either ids, or names (created when first used). */
    projectId: ProjectId.optional(),
    shotId: ShotId.optional(),
    projectName: SafeName.optional(),
    shotName: SafeName.optional(),
    priority: z.number().int().min(-100).max(100).default(0),
    /** Skip the cache: roll the same intent again (a new key). */
    noCache: z.boolean().default(false),
    /** Who submits (spend notifications per user); a review-server session's name overrides it. */
    userId: z.string().trim().min(1).max(60).optional(),
    /** Finalize: the preview take this release job re-renders. */
    sourceTakeId: TakeId.optional(),
  })
  .strict();
export type SubmitInput = z.input<typeof SubmitInput>;

export const TakeRef = z.object({ id: TakeId, path: z.string().nullable(), artifactClass: ArtifactClass });

export const SubmitResult = z.object({
  jobId: JobId,
  status: JobStatus,
  cacheHit: z.boolean(),
  /** Credits the cache saved (the original job's cost) on a hit. */
  creditsSaved: z.number().int(),
  takes: z.array(TakeRef),
  credits: z.object({
    reserved: z.number().int(),
    captured: z.number().int().nullable(),
    before: z.number().int().nullable(),
    after: z.number().int().nullable(),
  }),
});
export type SubmitResult = z.infer<typeof SubmitResult>;

export const QueueStatus = z.object({
  isPaused: z.boolean(),
  running: z.number().int(),
  concurrency: z.number().int(),
  breakers: z.array(z.object({ provider: ProviderId, state: z.enum(['closed', 'open', 'half-open']), reason: z.string().nullable(), retryAt: z.number().int().nullable() })),
});

const JobFilter = z
  .object({
    projectId: ProjectId.optional(),
    status: z.array(JobStatus).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** Whether a submit with these params would be answered from the cache (free) or is already in flight. */
export const CacheLookup = z.object({
  cacheHit: z.boolean(),
  inFlight: z.boolean(),
  jobId: JobId.nullable(),
  /** What the cached job cost: the credits a hit saves. */
  creditsSaved: z.number().int(),
});

export const jobsCalls = {
  'jobs.lookup': query(z.object({ params: GenerationParams, projectId: ProjectId.optional() }).strict(), CacheLookup),
  'jobs.submit': mutation(SubmitInput, SubmitResult),
  'jobs.list': query(JobFilter, z.array(Job)),
  'jobs.get': query(z.object({ id: JobId }).strict(), Job),
  'jobs.cancel': mutation(z.object({ id: JobId }).strict(), Job),
  'jobs.pause': mutation(z.object({ id: JobId }).strict(), Job),
  'jobs.resume': mutation(z.object({ id: JobId }).strict(), Job),
  'jobs.setPriority': mutation(z.object({ id: JobId, priority: z.number().int().min(-100).max(100) }).strict(), Job),
  /** Puts a waiting job just before another waiting job (same priority band). */
  'jobs.moveBefore': mutation(z.object({ id: JobId, beforeId: JobId }).strict(), Job),
  /** Dead letters: failed jobs not yet discarded. */
  'jobs.deadLetters': query(z.object({}).strict(), z.array(Job)),
  'jobs.retry': mutation(z.object({ id: JobId }).strict(), Job),
  'jobs.discard': mutation(z.object({ id: JobId }).strict(), Job),
  /**
   * An UNKNOWN job (a create whose outcome could not be known): 'resubmit' accepts the risk of a
   * duplicate paid task; 'abandon' settles it as not created (reservation released for those tasks).
   */
  'jobs.resolveUnknown': mutation(z.object({ id: JobId, decision: z.enum(['resubmit', 'abandon']) }).strict(), Job),
  'queue.status': query(z.object({}).strict(), QueueStatus),
  'queue.pause': mutation(z.object({}).strict(), QueueStatus),
  'queue.resume': mutation(z.object({}).strict(), QueueStatus),
} as const;

export const jobsEvents = {
  'jobs.changed': z.object({ job: Job }),
  /** Throttled to about 10 Hz per job. */
  'jobs.progressed': z.object({ jobId: JobId, n: z.number().int(), progress: z.number(), providerStatus: z.string() }),
  'queue.changed': QueueStatus,
} as const;
