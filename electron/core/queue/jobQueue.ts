import type { Job, SubmitResult } from '../../../shared/contract/jobs';
import { AppError } from '../../../shared/errors';
import { AttemptLog } from './attemptLog';
import { stageOf } from './jobKeys';
import { JobRepo, toJob, type JobRow } from './jobRepo';
import { openJobParams } from './jobInputs';
import { JobRunner, type RunnerDeps } from './jobRunner';
import { JobSubmitter, type SubmitDeps, type SubmitRequest } from './jobSubmit';
import type { QueueLock } from './queueLock';

export type { SubmitRequest } from './jobSubmit';

/** How long a running job's step waits to be announced together with its next ones. */
const ANNOUNCE_MS = 5;

/** What the queue needs: the runner's ports (jobRunner.ts), the submitter's (jobSubmit.ts) and the scheduler's own. */
export interface JobQueueDeps extends Omit<RunnerDeps, 'repo' | 'attempts' | 'emitJob'>, Pick<SubmitDeps, 'projects' | 'shots' | 'policy'> {
  lock: QueueLock;
  /** Lease length; renewed at half. */
  leaseMs?: number;
  /** How often the scheduler looks for ready work when nothing wakes it. */
  tickMs?: number;
}

/**
 * The durable job queue: submit (cache lookup, then one estimate + guard, reserve and enqueue in one transaction), fenced
 * leases, crash recovery, pacing, retries, cancel/pause/priority, dead letters and UNKNOWN jobs.
 */
export class JobQueue {
  readonly repo: JobRepo;
  readonly attempts: AttemptLog;
  private readonly runner: JobRunner;
  private readonly submitter: JobSubmitter;
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
  /** Running jobs whose snapshot is to be announced (emitJobSoon), and the timer that will. */
  private readonly toAnnounce = new Set<string>();
  private announceTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: JobQueueDeps) {
    this.repo = new JobRepo(d.db.conn);
    this.attempts = new AttemptLog(d.db.conn);
    this.leaseMs = d.leaseMs ?? 60_000;
    this.runner = new JobRunner({ ...d, repo: this.repo, attempts: this.attempts, emitJob: (id) => this.emitJobSoon(id) });
    this.submitter = new JobSubmitter(d, this.repo, this.attempts, { kick: () => this.kick(), get: (id) => this.get(id) });
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

  /** Submits a request as dispatch parsed it (jobSubmit.ts): acknowledged once its commit is on disk. */
  submit(input: SubmitRequest): Promise<SubmitResult> {
    return this.submitter.submit(input);
  }

  /**
   * Would this request be a cache hit (free) or join a job in flight? Computes the key without writing.
   * Takes params the contract already validated (jobs.lookup): no second parse here.
   */
  lookup(params: SubmitRequest['params']): ReturnType<JobSubmitter['lookup']> {
    return this.submitter.lookup(params);
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
  async cancel(id: string): Promise<Job> {
    await this.d.money.ready;
    const job = this.get(id);
    const now = this.d.clock.now();
    if (job.status === 'queued' || job.status === 'paused') {
      const hasProviderTask = job.tasks.some((t) => t.status === 'submitted' || t.status === 'intent' || t.status === 'unknown');
      if (!hasProviderTask) {
        await this.d.db.engine.tx(async (q) => {
          const row = this.repo.get(id)!;
          const captured = this.attempts.chargedFor(id);
          const cap = !row.reservation_id
            ? { captured: 0, after: null }
            : captured === 0
              ? { captured: 0, after: (await this.d.money.release(row.reservation_id, 'cancelled before submission', q)).after }
              : await this.d.money.capture(row.reservation_id, captured, q);
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
  async retry(id: string): Promise<Job> {
    await this.d.money.ready;
    const job = this.get(id);
    if (job.status !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be retried (this one is ${job.status}).`);
    const row = this.repo.get(id)!;
    const { params, cannotRun } = openJobParams(row, this.d.vault);
    // A prompt that no longer decrypts cannot be sent again; a missing file may have been put back (the runner checks again).
    if (cannotRun?.code === 'PROMPT_UNREADABLE') throw new AppError('VALIDATION', cannotRun.message, { field: 'prompt' });
    await this.d.db.engine.tx(async (q) => {
      const priced = await this.d.money.check(params, job.projectId, q);
      this.repo.s.failedToPending.run({ id });
      this.repo.s.resetForRetry.run({ id, now: this.d.clock.now(), maxAttempts: this.d.money.settings(job.provider).backoff.maxRetries + 1 });
      const reservationId = `rsv_${id}_r${this.d.ids.newId('x').slice(-6)}`;
      const snap = await this.d.money.reserve({ reservationId, jobId: id, projectId: job.projectId, artifactClass: job.artifactClass, stage: stageOf(params), priced }, q);
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
    this.announce();
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.limitsTimer) clearInterval(this.limitsTimer);
    // Claims already committed are launched, then stopped with the rest (each goes back to the queue).
    await Promise.allSettled([...this.claims]);
    for (const r of this.running.values()) r.ctl.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    this.announce();
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
    this.emitJobSoon(id);
    this.emitQueue();
  }

  private concurrency(): number {
    const providers = [...this.d.providers.keys()];
    return Math.max(1, ...providers.map((p) => this.d.gate.concurrency(p)));
  }

  /**
   * A running job's own steps (claimed, created at the provider, settled) follow each other within
   * milliseconds when the provider is quick: its snapshot is announced once per few milliseconds, read when
   * sent, so the UI gets its latest state without a read and an event per step. What a caller does
   * (submit, cancel, pause, retry…) is still announced at once.
   */
  private emitJobSoon(id: string): void {
    this.toAnnounce.add(id);
    this.announceTimer ??= setTimeout(() => this.announce(), ANNOUNCE_MS);
  }

  private announce(): void {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    const ids = [...this.toAnnounce];
    this.toAnnounce.clear();
    if (!this.d.db.conn.open) return;
    for (const id of ids) this.emitJob(id);
  }

  private emitJob(id: string): void {
    const job = this.repo.job(id);
    if (job) this.d.events.emit('jobs.changed', { job });
  }

  private emitQueue(): void {
    this.d.events.emit('queue.changed', this.status());
  }
}
