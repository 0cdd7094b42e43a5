import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Job, SubmitInput, SubmitResult } from '../../../shared/contract/jobs';
import { AppError } from '../../../shared/errors';
import { hasSomethingToRender } from '../../../shared/jobParams';
import type { ProjectService } from '../projects/projectService';
import type { ShotService } from '../shots/shotService';
import { AttemptLog } from './attemptLog';
import { clearParams, jobKeys, stageOf } from './jobKeys';
import { JobRepo, toJob, type JobRow } from './jobRepo';
import { openJobParams } from './jobInputs';
import { JobRunner, type RunnerDeps } from './jobRunner';
import type { QueueLock } from './queueLock';
import type { z } from 'zod';

/** What the queue needs: the runner's ports (jobRunner.ts) plus the scheduler's own. */
export interface JobQueueDeps extends Omit<RunnerDeps, 'repo' | 'attempts' | 'emitJob'> {
  projects: ProjectService;
  shots: ShotService;
  lock: QueueLock;
  /** Lease length; renewed at half. */
  leaseMs?: number;
  /** How often the scheduler looks for ready work when nothing wakes it. */
  tickMs?: number;
  /** Compliance at submit (electron/core/policy): throws POLICY_REFUSED before anything is written. */
  policy?: { checkSubmit(o: { projectId: string | null; projectName: string | null; inputs: readonly string[] }): void };
}

const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

/**
 * A submit as the contract's `jobs.submit` parsed it (defaults filled in). The queue does not parse it
 * again: dispatch is the one validation; callers inside core (finalize, benchmark) build complete requests.
 */
export type SubmitRequest = z.output<typeof SubmitInput>;

/**
 * The durable job queue: submit (cache lookup, then one estimate + guard, reserve and enqueue in one transaction), fenced
 * leases, crash recovery, pacing, retries, cancel/pause/priority, dead letters and UNKNOWN jobs.
 */
export class JobQueue {
  readonly repo: JobRepo;
  readonly attempts: AttemptLog;
  private readonly runner: JobRunner;
  private readonly running = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private limitsTimer: NodeJS.Timeout | undefined;
  private isDisposed = false;
  private isTicking = false;
  /** Slots taken by claims waiting for their group commit, and those claims. */
  private claiming = 0;
  private readonly claims = new Set<Promise<void>>();
  private readonly leaseMs: number;
  /** When kick last looked for expired leases. */
  private leaseScanAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly d: JobQueueDeps) {
    this.repo = new JobRepo(d.db.conn);
    this.attempts = new AttemptLog(d.db.conn);
    this.leaseMs = d.leaseMs ?? 60_000;
    this.runner = new JobRunner({ ...d, repo: this.repo, attempts: this.attempts, emitJob: (id) => this.emitJob(id) });
  }

  /**
   * Takes the data dir's queue lock, recovers work a dead runner left, and starts scheduling. Without
   * the lock (another live process runs this queue) it only submits and reads. Returns whether it runs.
   */
  start(): boolean {
    if (!this.d.lock.tryAcquire()) {
      this.d.logger.log('info', 'another process runs this queue; this one only submits and reads', { holder: this.d.lock.holder() });
      return false;
    }
    const now = this.d.clock.now();
    for (const r of this.repo.s.runningIds.all()) {
      // The process that held these leases is gone (single-instance lock): each counts as an attempt on reclaim.
      this.repo.s.requeueExpired.run({ id: r.id, now });
      this.d.logger.log('info', 'recovered a job that was running when the app stopped', { jobId: r.id });
    }
    // Jobs a breaker deferred wait on a breaker that lived in the process that is gone: ready again now.
    this.repo.s.undefer.run({ code: 'PROVIDER_UNAVAILABLE', now });
    this.timer = setInterval(() => this.kick(), this.d.tickMs ?? 500);
    this.timer.unref?.();
    void this.refreshProviderLimits();
    void this.d.funds?.refresh('start', 0);
    this.limitsTimer = setInterval(() => void this.refreshProviderLimits(), 5 * 60_000);
    this.limitsTimer.unref?.();
    this.kick();
    return true;
  }

  /** True when this process holds the queue lock and runs jobs. */
  get isRunner(): boolean {
    return this.d.lock.isHeld;
  }

  async submit(input: SubmitRequest): Promise<SubmitResult> {
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
    const project = this.resolveProject(input);
    this.d.policy?.checkSubmit({ projectId: project?.id ?? null, projectName: input.projectName ?? null, inputs: inputs.hashes });
    // A release job re-renders its source preview (finalize); a preview job stacks on the take it reuses.
    if (input.sourceTakeId) {
      const source = this.d.takes.get(input.sourceTakeId);
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
    const result = await this.d.db.group((): { jobId: string; cacheHit: boolean; saved: number } => {
      // Looked up again here: a submit sharing this commit may have just created the project.
      const name = input.projectName ?? 'Untitled';
      const projectId = project?.id ?? this.d.projects.findByName(name)?.id ?? this.d.projects.create(name).id;
      const shotId = this.resolveShot(projectId, input).id;
      // The cache first: a finished answer is free whatever the wallet holds, so a hit is never priced or guarded.
      const existing = this.repo.s.byKey.get({ key: keys.idempotencyKey });
      if (existing && existing.status !== 'succeeded') return { jobId: existing.id, cacheHit: false, saved: 0 };
      const row = (estimatedCredits: number) => ({
        projectId, shotId, provider: params.provider, model: params.model, artifactClass: params.artifactClass, variations: params.variations,
        paramsJson: JSON.stringify(clearParams(params)), promptSealed: sealed, paramsHash: keys.paramsHash, idempotencyKey: keys.idempotencyKey,
        sourceTakeId: input.sourceTakeId ?? null, priority: input.priority, maxAttempts: this.d.money.settings(params.provider).backoff.maxRetries + 1,
        estimatedCredits, inputBytes: inputs.bytes, outputSpec: keys.outputSpec, now,
      });
      if (existing) {
        const saved = existing.captured_credits ?? 0;
        this.repo.s.insert.run({ ...row(existing.estimated_credits), id: jobId, cacheOfJobId: existing.id, status: 'succeeded' });
        this.repo.s.markCacheHit.run({ id: jobId, saved, now });
        const a = this.attempts.start({
          jobId, n: null, attempt: 0, provider: params.provider, artifactClass: params.artifactClass, model: params.model, paramsHash: keys.paramsHash,
          inputBytes: inputs.bytes, outputSpec: keys.outputSpec, creditsBefore: null, creditsEstimated: existing.estimated_credits, queueTimeMs: 0, startedAt: now,
        });
        this.attempts.end(a, { status: 'cache_hit', charged: 0, latencyMs: 0, now });
        return { jobId, cacheHit: true, saved };
      }
      // A real render: priced and guarded once, in the transaction that reserves it.
      const priced = this.d.money.check(params, projectId);
      this.d.funds?.check(params.provider, priced.pools.api ?? priced.pools.web ?? 0);
      this.repo.s.insert.run({ ...row(priced.credits), id: jobId, cacheOfJobId: null, status: 'queued' });
      for (let n = 0; n < params.variations; n++) this.repo.s.insertTask.run({ jobId, n });
      const reservationId = `rsv_${jobId}`;
      const snap = this.d.money.reserve({ reservationId, jobId, projectId, userId: input.userId, artifactClass: params.artifactClass, stage: stageOf(params), priced });
      this.repo.s.setReservation.run({ id: jobId, reservationId, reserved: priced.credits, before: snap.before });
      return { jobId, cacheHit: false, saved: 0 };
    });
    const job = this.get(result.jobId);
    this.d.events.emit('jobs.changed', { job });
    this.kick();
    const takeJobId = job.cacheOfJobId ?? job.id;
    return {
      jobId: job.id,
      status: job.status,
      cacheHit: result.cacheHit,
      creditsSaved: result.saved,
      takes: this.d.takes.byJob(takeJobId).map((t) => ({ id: t.id, path: null, artifactClass: t.artifactClass })),
      credits: { reserved: job.reservedCredits, captured: job.capturedCredits, before: job.creditsBefore, after: job.creditsAfter },
    };
  }

  /**
   * Would this request be a cache hit (free) or join a job in flight? Computes the key without writing.
   * Takes params the contract already validated (jobs.lookup): no second parse here.
   */
  lookup(params: SubmitRequest['params']): { cacheHit: boolean; inFlight: boolean; jobId: string | null; creditsSaved: number } {
    let hashes: string[];
    try {
      hashes = this.inputHashes(params.promptImage).hashes;
      if (params.sourceFile) hashes.push(`source:${createHash('sha256').update(readFileSync(params.sourceFile)).digest('hex')}`);
    } catch {
      return { cacheHit: false, inFlight: false, jobId: null, creditsSaved: 0 };
    }
    const existing = this.repo.s.byKey.get({ key: jobKeys(params, hashes).idempotencyKey });
    if (!existing) return { cacheHit: false, inFlight: false, jobId: null, creditsSaved: 0 };
    const isHit = existing.status === 'succeeded';
    return { cacheHit: isHit, inFlight: !isHit, jobId: existing.id, creditsSaved: isHit ? (existing.captured_credits ?? 0) : 0 };
  }

  get(id: string): Job {
    const job = this.repo.job(id);
    if (!job) throw new AppError('NOT_FOUND', `No job with id ${id}. \`circletake jobs\` lists them.`, { field: 'id', id });
    return job;
  }

  list(filter: { projectId?: string; status?: string[]; limit?: number } = {}): Job[] {
    const rows = this.repo.s.list.all({ projectId: filter.projectId ?? null, limit: filter.limit ?? 200 });
    return rows.filter((r) => !filter.status || filter.status.includes(r.status)).map((r) => toJob(r, this.repo.tasks(r.id)));
  }

  deadLetters(): Job[] {
    return this.repo.s.deadLetters.all().map((r) => toJob(r, this.repo.tasks(r.id)));
  }

  /** Before submission: the reservation is released at once. After: the provider is asked to cancel and the job settles on its final cost. */
  cancel(id: string): Job {
    const job = this.get(id);
    const now = this.d.clock.now();
    if (job.status === 'queued' || job.status === 'paused') {
      const hasProviderTask = job.tasks.some((t) => t.status === 'submitted' || t.status === 'intent' || t.status === 'unknown');
      if (!hasProviderTask) {
        this.d.db.immediate(() => {
          const row = this.repo.get(id)!;
          const captured = this.attempts.chargedFor(id);
          const cap = !row.reservation_id
            ? { captured: 0, after: null }
            : captured === 0
              ? { captured: 0, after: this.d.money.release(row.reservation_id, 'cancelled before submission').after }
              : this.d.money.capture(row.reservation_id, captured);
          if (this.repo.s.finishUnleased.run({ id, from: job.status, status: 'cancelled', captured: cap.captured, after: cap.after, code: 'CANCELLED', message: null, now }).changes === 0) {
            throw new AppError('CONFLICT', 'The job changed while cancelling; try again.');
          }
          this.repo.s.cancelPendingTasks.run({ id, now });
        });
        this.emitJob(id);
        return this.get(id);
      }
    }
    if (['succeeded', 'partial', 'failed', 'cancelled', 'discarded'].includes(job.status)) {
      throw new AppError('CONFLICT', `The job has already ${job.status === 'cancelled' ? 'been cancelled' : 'finished'}.`, { status: job.status });
    }
    this.repo.s.requestCancel.run({ id, now });
    if (job.status === 'paused') this.repo.s.setStatus.run({ id, from: 'paused', to: 'queued', now });
    this.emitJob(id);
    this.kick();
    return this.get(id);
  }

  pauseJob(id: string): Job {
    const job = this.get(id);
    if (job.status !== 'queued') throw new AppError('CONFLICT', `Only a waiting job can be paused (this one is ${job.status}).`);
    this.repo.s.setStatus.run({ id, from: 'queued', to: 'paused', now: this.d.clock.now() });
    this.emitJob(id);
    return this.get(id);
  }

  resumeJob(id: string): Job {
    const job = this.get(id);
    if (job.status !== 'paused') throw new AppError('CONFLICT', `The job is not paused (it is ${job.status}).`);
    this.repo.s.setStatus.run({ id, from: 'paused', to: 'queued', now: this.d.clock.now() });
    this.emitJob(id);
    this.kick();
    return this.get(id);
  }

  setPriority(id: string, priority: number): Job {
    this.get(id);
    this.repo.s.setPriority.run({ id, priority, now: this.d.clock.now() });
    this.emitJob(id);
    return this.get(id);
  }

  moveBefore(id: string, beforeId: string): Job {
    const job = this.repo.get(id);
    const before = this.repo.get(beforeId);
    if (!job || !before) throw new AppError('NOT_FOUND', `No job with id ${job ? beforeId : id}.`, { field: job ? 'beforeId' : 'id' });
    if (!['queued', 'paused'].includes(job.status)) throw new AppError('CONFLICT', 'Only a waiting job can be moved.');
    this.d.db.immediate(() => {
      this.repo.s.shiftSeqFrom.run({ from: before.seq });
      this.repo.s.setSeq.run({ id, seq: before.seq });
      this.repo.s.setPriority.run({ id, priority: before.priority, now: this.d.clock.now() });
    });
    this.emitJob(id);
    return this.get(id);
  }

  /** A dead letter back to the queue: reserved again (the money guard runs again). */
  retry(id: string): Job {
    const job = this.get(id);
    if (job.status !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be retried (this one is ${job.status}).`);
    const row = this.repo.get(id)!;
    const { params, cannotRun } = openJobParams(row, this.d.vault);
    // A prompt that no longer decrypts cannot be sent again; a missing file may have been put back (the runner checks again).
    if (cannotRun?.code === 'PROMPT_UNREADABLE') throw new AppError('VALIDATION', cannotRun.message, { field: 'prompt' });
    this.d.db.immediate(() => {
      const priced = this.d.money.check(params, job.projectId);
      this.repo.s.failedToPending.run({ id });
      this.repo.s.resetForRetry.run({ id, now: this.d.clock.now(), maxAttempts: this.d.money.settings(job.provider).backoff.maxRetries + 1 });
      const reservationId = `rsv_${id}_r${this.d.ids.newId('x').slice(-6)}`;
      const snap = this.d.money.reserve({ reservationId, jobId: id, projectId: job.projectId, artifactClass: job.artifactClass, stage: stageOf(params), priced });
      this.repo.s.setReservation.run({ id, reservationId, reserved: priced.credits, before: snap.before });
    });
    this.emitJob(id);
    this.kick();
    return this.get(id);
  }

  discard(id: string): Job {
    const job = this.get(id);
    if (job.status !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be discarded (this one is ${job.status}).`);
    this.repo.s.setStatus.run({ id, from: 'failed', to: 'discarded', now: this.d.clock.now() });
    this.emitJob(id);
    return this.get(id);
  }

  resolveUnknown(id: string, decision: 'resubmit' | 'abandon'): Job {
    const job = this.get(id);
    if (job.status !== 'unknown') throw new AppError('CONFLICT', `The job is not waiting for a decision (it is ${job.status}).`);
    const now = this.d.clock.now();
    this.d.db.immediate(() => {
      if (decision === 'resubmit') {
        this.repo.s.unknownToPending.run({ id });
        this.repo.s.setStatus.run({ id, from: 'unknown', to: 'queued', now });
        this.repo.s.reopenForResubmit.run({ id });
      } else {
        this.repo.s.unknownToFailed.run({ id, now });
        this.repo.s.setStatus.run({ id, from: 'unknown', to: 'queued', now });
        this.repo.s.reopenForSettle.run({ id });
      }
    });
    this.emitJob(id);
    this.kick();
    return this.get(id);
  }

  isPaused(): boolean {
    return this.repo.s.paused.get()?.value === '1';
  }

  setPaused(paused: boolean): void {
    this.repo.s.setPaused.run({ v: paused ? '1' : '0' });
    this.emitQueue();
    if (!paused) this.kick();
  }

  status() {
    return {
      isPaused: this.isPaused(),
      running: this.running.size,
      concurrency: this.concurrency(),
      breakers: this.d.gate.view(),
    };
  }

  /** Finishes when every job in flight has stopped (used by tests and benches). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.claims.size > 0) await Promise.all([...this.claims, ...[...this.running.values()].map((r) => r.done)]);
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.limitsTimer) clearInterval(this.limitsTimer);
    // Claims already committed are launched, then stopped with the rest (each goes back to the queue).
    await Promise.allSettled([...this.claims]);
    for (const r of this.running.values()) r.ctl.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    this.d.lock.release();
  }

  /** Claims ready jobs up to the concurrency limit and runs them. */
  kick(): void {
    if (this.isDisposed || this.isTicking || !this.d.lock.isHeld) return;
    this.isTicking = true;
    try {
      if (this.isPaused()) return;
      const now = this.d.clock.now();
      // Leases are renewed at half their length, so looking for expired ones a few times per lease is enough
      // (kick runs after every submit and every job's end; the scan is not needed each time).
      if (now - this.leaseScanAt >= this.leaseMs / 4) {
        this.leaseScanAt = now;
        for (const r of this.repo.s.expiredLeases.all({ now })) if (!this.running.has(r.id)) this.repo.s.requeueExpired.run({ id: r.id, now });
      }
      const free = this.concurrency() - this.running.size - this.claiming;
      // An open breaker holds its provider's jobs where they are: unclaimed, reservations kept (C4).
      const ready = [...this.d.providers.keys()].filter((p) => !this.d.gate.isHolding(p));
      if (free <= 0 || ready.length === 0) return;
      // Every free slot is claimed in one piece of the next group commit (shared with the other jobs'
      // steps and submits of this tick), and launched once that commit is on disk.
      this.claiming += free;
      const claims = this.d.db
        .group(() => this.repo.claimReady(free, ready, this.d.clock.now(), this.leaseMs))
        .then((rows) => rows.forEach((row) => this.launch(row)))
        .catch((e: unknown) => this.d.logger.log('error', 'claiming jobs failed; the next tick tries again', { error: (e as Error).message }))
        .finally(() => {
          this.claiming -= free;
          this.claims.delete(claims);
        });
      this.claims.add(claims);
    } finally {
      this.isTicking = false;
    }
  }

  /** Asks each provider that reports one for its concurrency limit (Runway: the tier's per-model limits). */
  async refreshProviderLimits(): Promise<void> {
    for (const [id, p] of this.d.providers) {
      if (!p.account) continue;
      try {
        const info = await p.account(AbortSignal.timeout(15_000));
        const limits = Object.values(info.limits).map((l) => l.maxConcurrent).filter((n): n is number => n !== null);
        this.d.gate.setProviderLimit(id, limits.length > 0 ? Math.max(...limits) : null);
      } catch (e) {
        this.d.logger.log('debug', 'provider limits not available', { provider: id, error: (e as Error).message });
      }
    }
  }

  private launch(row: JobRow): void {
    const { id, lease_token: token } = row;
    const ctl = new AbortController();
    const renew = setInterval(() => {
      this.repo.s.renew.run({ id, token, leaseUntil: this.d.clock.now() + this.leaseMs });
    }, this.leaseMs / 2);
    renew.unref?.();
    const done = this.runner
      .run(id, ctl.signal, row)
      .catch((e: unknown) => this.d.logger.log('error', 'job runner failed', { jobId: id, error: (e as Error).message, stack: (e as Error).stack }))
      .finally(() => {
        clearInterval(renew);
        this.running.delete(id);
        this.emitQueue();
        setImmediate(() => this.kick());
      });
    this.running.set(id, { ctl, done });
    this.d.events.emit('jobs.changed', { job: toJob(row, this.repo.tasks(id)) });
    this.emitQueue();
  }

  private concurrency(): number {
    const providers = [...this.d.providers.keys()];
    return Math.max(1, ...providers.map((p) => this.d.gate.concurrency(p)));
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

  private resolveProject(input: SubmitRequest) {
    if (input.projectId) return this.d.projects.get(input.projectId);
    if (input.projectName) return this.d.projects.findByName(input.projectName);
    throw new AppError('VALIDATION', 'projectId: name the project the job belongs to (projectId or projectName).', { field: 'projectId' });
  }

  private resolveShot(projectId: string, input: SubmitRequest) {
    if (input.shotId) {
      const shot = this.d.shots.get(input.shotId);
      if (shot.projectId !== projectId) throw new AppError('VALIDATION', 'shotId: that shot belongs to another project.', { field: 'shotId' });
      return shot;
    }
    const name = input.shotName ?? 'Shot 1';
    return this.d.shots.findByName(projectId, name) ?? this.d.shots.create(projectId, name);
  }

  private emitJob(id: string): void {
    const job = this.repo.job(id);
    if (job) this.d.events.emit('jobs.changed', { job });
  }

  private emitQueue(): void {
    this.d.events.emit('queue.changed', this.status());
  }
}
