import type { Job, SubmitResult } from '../../../shared/contract/jobs';
import { AppError } from '../../../shared/errors';
import { AttemptLog } from './attemptLog';
import { stageOf } from './jobKeys';
import { JobRepo, type JobRow, type TaskRow } from './jobRepo';
import { openJobParams } from './jobInputs';
import { JobRunner } from './jobRunner';
import type { RunnerDeps } from './queuePorts';
import { admit, localAdmitter, tierLimits } from './sharedLimits';
import { ProviderLimits } from './providerLimits';
import { MONEY_WRITER } from '../db/engine/sqlEngine';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { JobSubmitter, type SubmitDeps, type SubmitRequest } from './jobSubmit';
import type { RunnerLock } from './queueLock';

export type { SubmitRequest } from './jobSubmit';

/** How long a running job's step waits to be announced together with its next ones. */
const ANNOUNCE_MS = 5;

/** What the queue needs: the runner's ports (jobRunner.ts), the submitter's (jobSubmit.ts) and the scheduler's own. */
export interface JobQueueDeps extends Omit<RunnerDeps, 'repo' | 'attempts' | 'emitJob' | 'tierLimits' | 'admit'>, Pick<SubmitDeps, 'projects' | 'shots' | 'policy'> {
  lock: RunnerLock;
  /** The plan's rate limit and concurrency: the tier limits every worker shares (with what the provider reports per model). */
  tierPlan(): Pick<PlanConfig, 'rate_limits' | 'concurrency'>;
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
  /** The scheduling pass under way, and whether another was asked for meanwhile. */
  private ticking: Promise<void> | null = null;
  private isKickedAgain = false;
  /** Slots taken by claims waiting for their group commit, and those claims. */
  private claiming = 0;
  private readonly claims = new Set<Promise<void>>();
  /** Running jobs whose last write is queued: their slots are free for the next claim. */
  private readonly ending = new Set<string>();
  private readonly leaseMs: number;
  /** When kick last looked for expired leases. */
  private leaseScanAt = Number.NEGATIVE_INFINITY;
  private isOwnersClaimDue = true;
  /** A hand-off's claim queued and not yet begun: slots handed on meanwhile add to it. */
  private handOffClaim: { max: number } | null = null;
  /** Running jobs whose snapshot is to be announced (emitJobSoon), and the timer that will. */
  private readonly toAnnounce = new Set<string>();
  private announceTimer: NodeJS.Timeout | null = null;
  /** The queue's own state (jobs starting and ending) changed since the last announcement. */
  private isQueueToAnnounce = false;
  /** What each provider reported of its tier (Runway: the per-model limits), as this worker last read it. */
  private readonly limits: ProviderLimits;

  constructor(private readonly d: JobQueueDeps) {
    this.repo = new JobRepo(d.engine);
    this.limits = new ProviderLimits(d.providers, d.gate, d.logger);
    this.attempts = new AttemptLog(d.engine);
    this.leaseMs = d.leaseMs ?? 60_000;
    this.runner = new JobRunner({
      ...d,
      repo: this.repo,
      attempts: this.attempts,
      emitJob: (id) => this.emitJobSoon(id),
      onWaitingForTier: () => {
        this.isOwnersClaimDue = true;
      },
      onEnding: (id) => this.handOff(id),
      // A data dir's only runner keeps the tier in memory; a studio's workers share it through the database.
      admit: d.lock.isExclusive ? localAdmitter() : admit,
      tierLimits: async (provider, model) => {
        // Until this worker has read the provider's tier once, it reads it first. A worker of a shared queue
        // that cannot read it admits nothing (null: wait) — the plan's numbers alone could exceed the team's
        // tier; a data dir's only worker goes on with the plan's.
        if (this.limits.isUnread(provider)) await this.refreshProviderLimits();
        if (this.limits.isUnread(provider) && !this.d.lock.isExclusive) return null;
        return tierLimits(d.tierPlan(), this.limits.of(provider, model));
      },
    });
    this.submitter = new JobSubmitter(d, this.repo, this.attempts, { kick: () => this.kick() });
  }

  /**
   * Takes the runner lock, recovers work a dead runner left, and starts scheduling. With a data dir's
   * exclusive lock held by another live process, it only submits and reads. A shared queue (PostgreSQL:
   * any number of workers) always runs, and recovers a dead worker's jobs when their leases run out.
   * Returns whether it runs.
   */
  async start(): Promise<boolean> {
    await this.d.money.ready;
    if (!this.d.lock.tryAcquire()) {
      this.d.logger.log('info', 'another process runs this queue; this one only submits and reads', { holder: this.d.lock.holder() });
      return false;
    }
    const now = this.d.clock.now();
    if (this.d.lock.isExclusive) {
      for (const r of await this.repo.s.runningIds.all()) {
        // The process that held these leases is gone (single-instance lock): each counts as an attempt on reclaim.
        await this.repo.s.requeueExpired.run({ id: r.id, now });
        this.d.logger.log('info', 'recovered a job that was running when the app stopped', { jobId: r.id });
      }
      // Jobs a breaker deferred wait on a breaker that lived in the process that is gone: ready again now.
      await this.repo.s.undefer.run({ code: 'PROVIDER_UNAVAILABLE', now });
    }
    if (this.isDisposed) return false;
    this.timer = setInterval(() => this.kick(), this.d.tickMs ?? 500);
    this.timer.unref?.();
    void this.refreshProviderLimits();
    // Never awaited: a failed read (the database closing under it) is logged, not left unhandled.
    this.d.funds?.refresh('start', 0).catch((e: unknown) => this.d.logger.log('warn', 'the provider balance could not be read at start', { error: (e as Error)?.message ?? String(e) }));
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

  async get(id: string): Promise<Job> {
    const job = await this.repo.job(id);
    if (!job) throw new AppError('NOT_FOUND', `No job with id ${id}. \`circletake jobs\` lists them.`, { field: 'id', id });
    return job;
  }

  /** The newest `limit` jobs (of one project), then those of them in `status`. */
  async list(filter: { projectId?: string; status?: string[]; limit?: number } = {}): Promise<Job[]> {
    const limit = filter.limit ?? 200;
    if (filter.projectId !== undefined) {
      const statuses = filter.status ? `,${filter.status.join(',')},` : null;
      return this.repo.jobs(await this.repo.s.listOfProject.all({ projectId: filter.projectId, statuses, limit }));
    }
    const rows = await this.repo.s.list.all({ projectId: null, limit });
    return this.repo.jobs(rows.filter((r) => !filter.status || filter.status.includes(r.status)));
  }

  async deadLetters(): Promise<Job[]> {
    return this.repo.jobs(await this.repo.s.deadLetters.all());
  }

  /** Before submission: the reservation is released at once. After: the provider is asked to cancel and the job settles on its final cost. */
  async cancel(id: string): Promise<Job> {
    await this.d.money.ready;
    const job = await this.get(id);
    const now = this.d.clock.now();
    if (job.status === 'queued' || job.status === 'paused') {
      const hasProviderTask = job.tasks.some((t) => t.status === 'submitted' || t.status === 'intent' || t.status === 'unknown');
      if (!hasProviderTask) {
        await this.d.engine.tx(async (q) => {
          const on = this.repo.on(q);
          const row = (await on.get.get({ id }))!;
          const captured = await this.attempts.chargedFor(id, q);
          const cap = !row.reservation_id
            ? { captured: 0, after: null }
            : captured === 0
              ? { captured: 0, after: (await this.d.money.release(row.reservation_id, 'cancelled before submission', q)).after }
              : await this.d.money.capture(row.reservation_id, captured, q);
          if ((await on.finishUnleased.run({ id, from: job.status, status: 'cancelled', captured: cap.captured, after: cap.after, code: 'CANCELLED', message: null, now })).changes === 0) {
            throw new AppError('CONFLICT', 'The job changed while cancelling; try again.');
          }
          await on.cancelPendingTasks.run({ id, now });
        }, { writer: MONEY_WRITER });
        return this.changed(id);
      }
    }
    if (['succeeded', 'partial', 'failed', 'cancelled', 'discarded'].includes(job.status)) {
      throw new AppError('CONFLICT', `The job has already ${job.status === 'cancelled' ? 'been cancelled' : 'finished'}.`, { status: job.status });
    }
    await this.d.engine.tx(async (q) => {
      const on = this.repo.on(q);
      await on.requestCancel.run({ id, now });
      if (job.status === 'paused') await on.setStatus.run({ id, from: 'paused', to: 'queued', now });
    });
    this.kick();
    return this.changed(id);
  }

  async pauseJob(id: string): Promise<Job> {
    const job = await this.get(id);
    if (job.status !== 'queued') throw new AppError('CONFLICT', `Only a waiting job can be paused (this one is ${job.status}).`);
    await this.repo.s.setStatus.run({ id, from: 'queued', to: 'paused', now: this.d.clock.now() });
    return this.changed(id);
  }

  async resumeJob(id: string): Promise<Job> {
    const job = await this.get(id);
    if (job.status !== 'paused') throw new AppError('CONFLICT', `The job is not paused (it is ${job.status}).`);
    await this.repo.s.setStatus.run({ id, from: 'paused', to: 'queued', now: this.d.clock.now() });
    this.kick();
    return this.changed(id);
  }

  async setPriority(id: string, priority: number): Promise<Job> {
    await this.get(id);
    await this.repo.s.setPriority.run({ id, priority, now: this.d.clock.now() });
    return this.changed(id);
  }

  async moveBefore(id: string, beforeId: string): Promise<Job> {
    await this.d.engine.tx(async (q) => {
      const on = this.repo.on(q);
      const job = await on.get.get({ id });
      const before = await on.get.get({ id: beforeId });
      if (!job || !before) throw new AppError('NOT_FOUND', `No job with id ${job ? beforeId : id}.`, { field: job ? 'beforeId' : 'id' });
      if (!['queued', 'paused'].includes(job.status)) throw new AppError('CONFLICT', 'Only a waiting job can be moved.');
      await on.shiftSeqFrom.run({ from: before.seq });
      await on.setSeq.run({ id, seq: before.seq });
      await on.setPriority.run({ id, priority: before.priority, now: this.d.clock.now() });
    });
    return this.changed(id);
  }

  /** A dead letter back to the queue: reserved again (the money guard runs again). */
  async retry(id: string): Promise<Job> {
    await this.d.money.ready;
    const job = await this.get(id);
    if (job.status !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be retried (this one is ${job.status}).`);
    const row = (await this.repo.get(id))!;
    const { params, cannotRun } = openJobParams(row, this.d.vault);
    // A prompt that no longer decrypts cannot be sent again; a missing file may have been put back (the runner checks again).
    if (cannotRun?.code === 'PROMPT_UNREADABLE') throw new AppError('VALIDATION', cannotRun.message, { field: 'prompt' });
    await this.d.engine.tx(async (q) => {
      const on = this.repo.on(q);
      const userId = await this.d.money.submitter(id, q); // the submitter's limits, whoever retries
      const priced = await this.d.money.check(params, job.projectId, q, userId);
      await on.failedToPending.run({ id });
      if ((await on.resetForRetry.run({ id, now: this.d.clock.now(), maxAttempts: this.d.money.settings(job.provider).backoff.maxRetries + 1 })).changes === 0) {
        throw new AppError('CONFLICT', 'The job changed while retrying it; look at it again.');
      }
      const reservationId = `rsv_${id}_r${this.d.ids.newId('x').slice(-6)}`;
      const snap = await this.d.money.reserve({ reservationId, jobId: id, projectId: job.projectId, userId, artifactClass: job.artifactClass, stage: stageOf(params), priced }, q);
      await on.setReservation.run({ id, reservationId, reserved: priced.credits, before: snap.before });
    }, { writer: MONEY_WRITER });
    this.kick();
    return this.changed(id);
  }

  async discard(id: string): Promise<Job> {
    const job = await this.get(id);
    if (job.status !== 'failed') throw new AppError('CONFLICT', `Only a failed job can be discarded (this one is ${job.status}).`);
    await this.repo.s.setStatus.run({ id, from: 'failed', to: 'discarded', now: this.d.clock.now() });
    return this.changed(id);
  }

  async resolveUnknown(id: string, decision: 'resubmit' | 'abandon'): Promise<Job> {
    const job = await this.get(id);
    if (job.status !== 'unknown') throw new AppError('CONFLICT', `The job is not waiting for a decision (it is ${job.status}).`);
    const now = this.d.clock.now();
    await this.d.engine.tx(async (q) => {
      const on = this.repo.on(q);
      if (decision === 'resubmit') await on.unknownToPending.run({ id });
      else await on.unknownToFailed.run({ id, now });
      if ((await on.setStatus.run({ id, from: 'unknown', to: 'queued', now })).changes === 0) throw new AppError('CONFLICT', 'The job changed meanwhile; look at it again.');
      await (decision === 'resubmit' ? on.reopenForResubmit : on.reopenForSettle).run({ id });
    });
    this.kick();
    return this.changed(id);
  }

  async isPaused(): Promise<boolean> {
    return (await this.repo.s.paused.get())?.value === '1';
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.repo.s.setPaused.run({ v: paused ? '1' : '0' });
    await this.emitQueue();
    if (!paused) this.kick();
  }

  async status() {
    return {
      isPaused: await this.isPaused(),
      running: this.running.size,
      concurrency: this.concurrency(),
      breakers: this.d.gate.view(),
    };
  }

  /** Finishes when every job in flight has stopped (used by tests and benches). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.claims.size > 0 || this.ticking) {
      await Promise.all([this.ticking, ...this.claims, ...[...this.running.values()].map((r) => r.done)]);
    }
    await this.announce();
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.limitsTimer) clearInterval(this.limitsTimer);
    // Claims already committed are launched, then stopped with the rest (each goes back to the queue).
    await this.ticking;
    await Promise.allSettled([...this.claims]);
    for (const r of this.running.values()) r.ctl.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.announce();
    this.d.lock.release();
  }

  /** Claims ready jobs up to the concurrency limit and runs them (a kick during a tick runs one more tick after it). */
  kick(): void {
    if (this.isDisposed || !this.d.lock.isHeld) return;
    if (this.ticking) {
      this.isKickedAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch((e: unknown) => this.d.logger.log('error', 'scheduling jobs failed; the next tick tries again', { error: (e as Error).message }))
      .finally(() => {
        this.ticking = null;
        if (this.isKickedAgain) {
          this.isKickedAgain = false;
          this.kick();
        }
      });
  }

  /**
   * A job's last write was just queued: its slot is free, and the slot's claim is queued right behind that
   * write, so both share one group commit (the claim's piece runs after it). Synchronous, beside any tick in
   * progress (slots are counted before anything is awaited); the paused flag is read inside the claim, and
   * no lease scan goes first.
   */
  private handOff(jobId: string): void {
    if (this.isDisposed || !this.d.lock.isHeld || !this.running.has(jobId) || this.ending.has(jobId)) return;
    this.ending.add(jobId);
    this.claimFree({ isHandOff: true, isScanDue: false });
  }

  private async tick(): Promise<void> {
    const now = this.d.clock.now();
    // Nothing to claim and no lease scan due (every slot busy, or every provider held): nothing to read,
    // not even the paused flag — under load most ticks end here.
    const isScanDue = now - this.leaseScanAt >= this.leaseMs / 4;
    const slots = this.concurrency() - this.busySlots();
    if (!isScanDue && (slots <= 0 || this.isDisposed)) return;
    if (await this.isPaused()) return;
    // Leases are renewed at half their length, so looking for expired ones a few times per lease is enough
    // (kick runs after every submit and every job's end; the scan is not needed each time).
    if (isScanDue) {
      this.leaseScanAt = now;
      for (const jobId of await this.repo.takeBackLapsed(now, this.running)) {
        this.d.logger.log('info', 'recovered a job whose lease ran out (its worker stopped)', { jobId });
      }
    }
    this.claimFree({ isHandOff: false, isScanDue });
  }

  /** Queues the claim of every free slot (see tick and handOff). */
  private claimFree({ isHandOff, isScanDue }: { isHandOff: boolean; isScanDue: boolean }): void {
    const free = this.concurrency() - this.busySlots();
    // An open breaker holds its provider's jobs where they are: unclaimed, reservations kept (C4).
    const ready = [...this.d.providers.keys()].filter((p) => !this.d.gate.isHolding(p));
    if (free <= 0 || ready.length === 0 || this.isDisposed) return;
    // Every free slot is claimed in one piece of the next group commit (shared with the other jobs'
    // steps and submits of this tick), and launched once that commit is on disk. On PostgreSQL the claim
    // reads at READ COMMITTED with SKIP LOCKED: workers claiming at once take different jobs.
    // Jobs owning a task in flight are claimed ahead of the line when slots may be held by jobs waiting for
    // the tier, and at lease scans (a dead worker's jobs come back): otherwise nobody polls those tasks, and
    // the tier they occupy never frees.
    this.claiming += free;
    // Slots handed on while a hand-off's claim waits for its turn join that claim (one pick for all).
    if (isHandOff && this.handOffClaim) {
      this.handOffClaim.max += free;
      return;
    }
    const ownersFirst = isScanDue || this.isOwnersClaimDue;
    this.isOwnersClaimDue = false;
    const claim = { max: free };
    if (isHandOff) this.handOffClaim = claim;
    const claims = this.d.engine
      .tx(async (q) => {
        if (this.handOffClaim === claim) this.handOffClaim = null;
        if (isHandOff && (await this.repo.on(q).paused.get())?.value === '1') return [];
        return this.repo.claimWithTasks(q, claim.max, ready, this.d.clock.now(), this.leaseMs, ownersFirst);
      }, { isolation: 'lockRows' })
      .then((claimed) => claimed.forEach(({ row, tasks }) => this.launch(row, tasks)))
      .catch((e: unknown) => this.d.logger.log('error', 'claiming jobs failed; the next tick tries again', { error: (e as Error).message }))
      .finally(() => {
        if (this.handOffClaim === claim) this.handOffClaim = null;
        this.claiming -= claim.max;
        this.claims.delete(claims);
      });
    this.claims.add(claims);
  }

  /** Asks each provider that reports one for its concurrency limit (Runway: the tier's per-model limits). */
  refreshProviderLimits(): Promise<void> {
    return this.limits.refresh();
  }

  private launch(row: JobRow, tasks: TaskRow[]): void {
    const { id, lease_token: token } = row;
    const ctl = new AbortController();
    const renew = setInterval(() => {
      this.repo.s.renew.run({ id, token, leaseUntil: this.d.clock.now() + this.leaseMs }).catch((e: unknown) => {
        this.d.logger.log('warn', 'renewing a lease failed; the next renewal tries again', { jobId: id, error: (e as Error).message });
      });
    }, this.leaseMs / 2);
    renew.unref?.();
    const done = this.runner
      .run(id, ctl.signal, { row, tasks })
      .catch((e: unknown) => this.d.logger.log('error', 'job runner failed', { jobId: id, error: (e as Error).message, stack: (e as Error).stack }))
      .finally(() => {
        clearInterval(renew);
        this.running.delete(id);
        this.ending.delete(id);
        this.emitQueueSoon();
        setImmediate(() => this.kick());
      });
    this.running.set(id, { ctl, done });
    this.emitJobSoon(id);
    this.emitQueueSoon();
  }

  /** Slots held: jobs running (but those whose last write is queued) and claims waiting for their commit. */
  private busySlots(): number {
    return this.running.size - this.ending.size + this.claiming;
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
    this.announceTimer ??= setTimeout(() => void this.announce(), ANNOUNCE_MS);
  }

  /** Jobs starting and ending change the queue's state (how many run): announced with the jobs' snapshots. */
  private emitQueueSoon(): void {
    this.isQueueToAnnounce = true;
    this.announceTimer ??= setTimeout(() => void this.announce(), ANNOUNCE_MS);
  }

  private async announce(): Promise<void> {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    const ids = [...this.toAnnounce];
    this.toAnnounce.clear();
    const isQueueDue = this.isQueueToAnnounce;
    this.isQueueToAnnounce = false;
    if (ids.length > 0) {
      try {
        // The snapshots of every job due, in a few statements (not two per job).
        for (const job of await this.repo.jobsOf(ids)) this.d.events.emit('jobs.changed', { job });
      } catch (e) {
        // The database closed under a late announcement (shutdown): nothing to tell anyone.
        this.d.logger.log('debug', 'job changes were not announced', { jobs: ids.length, error: (e as Error).message });
      }
    }
    if (isQueueDue) await this.emitQueue();
  }

  /** Announces a job a caller changed, and answers it as it is now. */
  private async changed(id: string): Promise<Job> {
    const job = await this.get(id);
    this.d.events.emit('jobs.changed', { job });
    return job;
  }

  private async emitQueue(): Promise<void> {
    try {
      this.d.events.emit('queue.changed', await this.status());
    } catch (e) {
      this.d.logger.log('debug', 'a queue change was not announced', { error: (e as Error).message });
    }
  }
}
