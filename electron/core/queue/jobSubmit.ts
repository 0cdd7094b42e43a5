import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { z } from 'zod';
import type { Job, SubmitInput, SubmitResult } from '../../../shared/contract/jobs';
import type { Project } from '../../../shared/contract/projects';
import { AppError } from '../../../shared/errors';
import { hasSomethingToRender } from '../../../shared/jobParams';
import { MONEY_WRITER, type Queryable } from '../db/engine/sqlEngine';
import type { ProjectService } from '../projects/projectService';
import type { ShotService } from '../shots/shotService';
import type { AttemptLog } from './attemptLog';
import { jobKeys, stageOf } from './jobKeys';
import { encodeParams } from './jobParamsColumn';
import { toJob, type JobRepo, type TaskRow } from './jobRepo';
import type { RunnerDeps } from './queuePorts';

const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

/**
 * A submit as the contract's `jobs.submit` parsed it (defaults filled in). The queue does not parse it
 * again: dispatch is the one validation; callers inside core (finalize, benchmark) build complete requests.
 */
export type SubmitRequest = z.output<typeof SubmitInput>;

export interface SubmitDeps extends Pick<RunnerDeps, 'engine' | 'takes' | 'providers' | 'money' | 'vault' | 'events' | 'clock' | 'ids' | 'funds'> {
  projects: ProjectService;
  shots: ShotService;
  /** Compliance at submit (electron/core/policy): throws POLICY_REFUSED before anything is written. */
  policy?: { checkSubmit(o: { projectId: string | null; projectName: string | null; inputs: readonly string[] }): Promise<void> };
}

/**
 * The queue's way in: a request's inputs hashed and its project and shot resolved, then in one piece of a
 * group commit the cache looked up first (a hit is free whatever the wallet holds), else one estimate +
 * guard, the reservation and the job rows. Acknowledged only once that commit is on disk (Q1).
 */
export class JobSubmitter {
  constructor(
    private readonly d: SubmitDeps,
    private readonly repo: JobRepo,
    private readonly attempts: AttemptLog,
    /** The scheduler's: wake it. */
    private readonly hooks: { kick(): void },
  ) {}

  async submit(input: SubmitRequest): Promise<SubmitResult> {
    await this.d.money.ready;
    const params = input.params;
    // No money for nothing (a money rule, not a parse): the contract refuses this too, naming params.prompt.
    if (!hasSomethingToRender(params)) {
      throw new AppError('VALIDATION', 'prompt: describe the shot (or give a prompt image): an empty prompt with no image would be charged for nothing', { field: 'prompt' });
    }
    const provider = this.d.providers.get(params.provider);
    if (!provider) {
      throw new AppError('VALIDATION', `provider: "${params.provider}" is not set up here. Use --provider local (the simulator, no account needed)${params.provider === 'runway' ? ', or set RUNWAYML_API_SECRET' : ''}.`, { field: 'provider' });
    }
    provider.validate(params);
    const inputs = this.inputHashes(params.promptImage);
    if (params.sourceFile) inputs.hashes.push(`source:${createHash('sha256').update(readFileSync(params.sourceFile)).digest('hex')}`);
    // Named, with no policy to ask and no source take to check, the project is looked up only in the
    // transaction below (where a missing one is made): no read outside it.
    const isLookedUpInside = !!input.projectName && !input.projectId && !this.d.policy && !input.sourceTakeId;
    const project = isLookedUpInside ? undefined : await this.resolveProject(input);
    await this.d.policy?.checkSubmit({ projectId: project?.id ?? null, projectName: input.projectName ?? null, inputs: inputs.hashes });
    // A release job re-renders its source preview (finalize); a preview job stacks on the take it reuses.
    if (input.sourceTakeId) {
      const source = await this.d.takes.get(input.sourceTakeId);
      if (params.artifactClass === 'release' && source.artifactClass !== 'preview') {
        throw new AppError('VALIDATION', 'sourceTakeId: a release job re-renders a preview take (finalize); it never promotes one.', { field: 'sourceTakeId' });
      }
      if (project && source.projectId !== project.id) throw new AppError('VALIDATION', `sourceTakeId: take ${source.id} belongs to another project.`, { field: 'sourceTakeId' });
    }
    // Runway's balance is the API pool's truth: a reading older than a minute is refreshed first (never throws).
    if (params.provider === 'runway') await this.d.funds?.refresh('submit');
    // Only a re-render's source changes what is made; a reuse with the same settings is the same request (a cache hit).
    const keys = jobKeys(params, inputs.hashes, input.noCache ? randomBytes(8).toString('hex') : undefined, params.artifactClass === 'release' ? input.sourceTakeId : undefined, (t) => this.d.vault.keyedHash(t));
    const sealed = this.d.vault.seal({ prompt: params.prompt, ...(params.negativePrompt ? { negativePrompt: params.negativePrompt } : {}) });
    const now = this.d.clock.now();
    const jobId = this.d.ids.newId('job');

    // Acknowledged only after the commit that holds it (Q1), shared with the other writes of this tick.
    let made: { project: Project | null; shotsOf: string | null } = { project: null, shotsOf: null };
    const result = await this.d.engine.tx(async (q): Promise<{ jobId: string; cacheHit: boolean; saved: number; job: Job }> => {
      const answer = async (id: string, cacheHit: boolean, saved: number) => ({ jobId: id, cacheHit, saved, job: (await this.repo.job(id, q))! });
      made = { project: null, shotsOf: null };
      // Looked up again here: a submit sharing this commit may have just created the project.
      const name = input.projectName ?? 'Untitled';
      let projectId = project?.id ?? (await this.d.projects.findByNameIn(q, name))?.id;
      if (projectId === undefined) {
        made.project = await this.d.projects.createIn(q, name);
        projectId = made.project.id;
      }
      const shot = await this.resolveShot(q, projectId, input);
      if (shot.made) made.shotsOf = projectId;
      const shotId = shot.id;
      // The cache first: a finished answer is free whatever the wallet holds, so a hit is never priced or guarded.
      const on = this.repo.on(q);
      const existing = await on.byKey.get({ key: keys.idempotencyKey });
      if (existing && existing.status !== 'succeeded') return answer(existing.id, false, 0);
      const row = (estimatedCredits: number) => ({
        projectId, shotId, provider: params.provider, model: params.model, artifactClass: params.artifactClass, variations: params.variations,
        paramsJson: encodeParams(params), promptSealed: sealed, paramsHash: keys.paramsHash, idempotencyKey: keys.idempotencyKey,
        sourceTakeId: input.sourceTakeId ?? null, priority: input.priority, maxAttempts: this.d.money.settings(params.provider).backoff.maxRetries + 1,
        estimatedCredits, inputBytes: inputs.bytes, outputSpec: keys.outputSpec, submittedBy: input.userId ?? null, now,
      });
      if (existing) {
        const saved = existing.captured_credits ?? 0;
        await on.insert.run({ ...row(existing.estimated_credits), id: jobId, cacheOfJobId: existing.id, status: 'succeeded', reservationId: null, reserved: 0, before: null });
        await on.markCacheHit.run({ id: jobId, saved, now });
        const a = await this.attempts.start({
          jobId, n: null, attempt: 0, provider: params.provider, artifactClass: params.artifactClass, model: params.model, paramsHash: keys.paramsHash,
          inputBytes: inputs.bytes, outputSpec: keys.outputSpec, creditsBefore: null, creditsEstimated: existing.estimated_credits, queueTimeMs: 0, startedAt: now,
        }, q);
        await this.attempts.end(a, { status: 'cache_hit', charged: 0, latencyMs: 0, now }, q);
        return answer(jobId, true, saved);
      }
      // A real render: priced and guarded once, in the transaction that reserves it.
      const priced = await this.d.money.check(params, projectId, q, input.userId);
      await this.d.funds?.check(params.provider, priced.pools.api ?? priced.pools.web ?? 0, q);
      // The hold first, so the job's row is written once, with it.
      const reservationId = `rsv_${jobId}`;
      const snap = await this.d.money.reserve({ reservationId, jobId, projectId, userId: input.userId, artifactClass: params.artifactClass, stage: stageOf(params), priced }, q);
      const job = await on.insert.get({ ...row(priced.credits), id: jobId, cacheOfJobId: null, status: 'queued', reservationId, reserved: priced.credits, before: snap.before });
      const tasks: TaskRow[] = [];
      for (let n = 0; n < params.variations; n++) tasks.push((await on.insertTask.get({ jobId, n }))!);
      // Answered from the rows as the inserts stored them (the same as reading them back).
      return { jobId, cacheHit: false, saved: 0, job: toJob(job!, tasks) };
    }, { writer: MONEY_WRITER });
    if (made.project) this.d.projects.announceCreated(made.project);
    if (made.shotsOf) await this.d.shots.announce(made.shotsOf);
    // As its own transaction read it back: the answer and the announcement need no read after the commit.
    const { job } = result;
    this.d.events.emit('jobs.changed', { job });
    this.hooks.kick();
    const takeJobId = job.cacheOfJobId ?? job.id;
    return {
      jobId: job.id,
      status: job.status,
      cacheHit: result.cacheHit,
      creditsSaved: result.saved,
      // A job made by this submit has no takes yet; a cache hit has its original's, a join its job's so far.
      takes: takeJobId === jobId ? [] : (await this.d.takes.byJob(takeJobId)).map((t) => ({ id: t.id, path: null, artifactClass: t.artifactClass })),
      credits: { reserved: job.reservedCredits, captured: job.capturedCredits, before: job.creditsBefore, after: job.creditsAfter },
    };
  }

  /**
   * Would this request be a cache hit (free) or join a job in flight? Computes the key without writing.
   * Takes params the contract already validated (jobs.lookup): no second parse here.
   */
  async lookup(params: SubmitRequest['params']): Promise<{ cacheHit: boolean; inFlight: boolean; jobId: string | null; creditsSaved: number }> {
    let hashes: string[];
    try {
      hashes = this.inputHashes(params.promptImage).hashes;
      if (params.sourceFile) hashes.push(`source:${createHash('sha256').update(readFileSync(params.sourceFile)).digest('hex')}`);
    } catch {
      return { cacheHit: false, inFlight: false, jobId: null, creditsSaved: 0 };
    }
    const existing = await this.repo.s.byKey.get({ key: jobKeys(params, hashes).idempotencyKey });
    if (!existing) return { cacheHit: false, inFlight: false, jobId: null, creditsSaved: 0 };
    const isHit = existing.status === 'succeeded';
    return { cacheHit: isHit, inFlight: !isHit, jobId: existing.id, creditsSaved: isHit ? (existing.captured_credits ?? 0) : 0 };
  }

  private inputHashes(promptImage: string | undefined): { hashes: string[]; bytes: number } {
    if (!promptImage) return { hashes: [], bytes: 0 };
    if (/^https:\/\//i.test(promptImage)) return { hashes: [`url:${createHash('sha256').update(promptImage).digest('hex')}`], bytes: 0 };
    if (/^[a-z]+:\/\//i.test(promptImage)) throw new AppError('VALIDATION', 'promptImage: must be a local file path or an HTTPS URL.', { field: 'promptImage' });
    if (!isAbsolute(promptImage) || !existsSync(promptImage) || !statSync(promptImage).isFile()) {
      throw new AppError('VALIDATION', `promptImage: no file at ${promptImage} (give an absolute path to an image, or an HTTPS URL).`, { field: 'promptImage' });
    }
    const size = statSync(promptImage).size;
    if (size === 0 || size > MAX_IMAGE_BYTES) throw new AppError('VALIDATION', `promptImage: the file is ${size} bytes; images must be 1 byte to 16 MB.`, { field: 'promptImage' });
    return { hashes: [`sha256:${createHash('sha256').update(readFileSync(promptImage)).digest('hex')}`], bytes: size };
  }

  private async resolveProject(input: SubmitRequest): Promise<Project | undefined> {
    if (input.projectId) return this.d.projects.get(input.projectId);
    if (input.projectName) return this.d.projects.findByName(input.projectName);
    throw new AppError('VALIDATION', 'projectId: name the project the job belongs to (projectId or projectName).', { field: 'projectId' });
  }

  private async resolveShot(q: Queryable, projectId: string, input: SubmitRequest): Promise<{ id: string; made: boolean }> {
    if (input.shotId) {
      const shot = await this.d.shots.getIn(q, input.shotId);
      if (shot.projectId !== projectId) throw new AppError('VALIDATION', 'shotId: that shot belongs to another project.', { field: 'shotId' });
      return { id: shot.id, made: false };
    }
    const name = input.shotName ?? 'Shot 1';
    const found = await this.d.shots.findByNameIn(q, projectId, name);
    return found ? { id: found.id, made: false } : { id: (await this.d.shots.createIn(q, projectId, name)).id, made: true };
  }
}
