import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { GenerationParams } from '../../../shared/jobParams';
import type { ProviderId } from '../../../shared/money/params';
import type { Queryable } from '../db/engine/sqlEngine';
import { ProviderCallError, type Provider, type TaskState } from '../providers/provider';
import { openJobParams } from './jobInputs';
import { isRetryableFailure, jobOutcome } from './jobTransitions';
import type { JobRow, TaskRow } from './jobRepo';
import { CancelSeen, type RunnerDeps } from './queuePorts';
import { MONEY_WRITER } from '../db/engine/sqlEngine';

/** The transactions that settle money run one at a time across a studio (TxOptions.writer). */
const MONEY = { writer: MONEY_WRITER };
import { sleep } from './sleep';

/** Task states after which a task makes no more provider calls (the job can settle). */
const TASK_ENDED: readonly TaskRow['status'][] = ['succeeded', 'failed', 'cancelled', 'unknown'];

/** Requeue codes of a job held back before any provider call (the breaker, the tier's limits): not an attempt. */
const HELD_BACK: readonly string[] = ['PROVIDER_UNAVAILABLE', 'PROVIDER_LIMIT'];

/** Waits for a concurrency slot in one run before the job goes back to the queue (see create). */
const LIMIT_WAITS = 5;

/** Thrown when this worker's lease was superseded: stop, write nothing more. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

type TaskOutcome = { kind: 'done' } | { kind: 'requeue'; delayMs: number; code: string; message: string };

/** A create's answer as its commit recorded it: the task's row now, and the attempt the create opened. */
interface Created {
  task: TaskRow;
  attempt: { id: number; startedAt: number };
}

interface Ctx {
  row: JobRow;
  token: number;
  provider: Provider;
  params: GenerationParams;
  signal: AbortSignal;
  lastProgressEmit: Map<number, number>;
  /** Set when the last task's own transaction also settled the job (one commit for both). */
  isSettled: boolean;
  /** Waits for a slot of the tier's concurrency in this run (every task of the job). */
  limitWaits: number;
}

/**
 * Drives one claimed job to its end (or back to the queue): one provider task per variation, an
 * intent row committed before every create, fenced writes, settlement in one transaction.
 */
export class JobRunner {
  constructor(private readonly d: RunnerDeps) {}

  /** `claimed`: the row as the claim wrote it, with its tasks (the scheduler read them in the claim); read here otherwise. */
  async run(jobId: string, signal: AbortSignal, claimed?: { row: JobRow; tasks: TaskRow[] }): Promise<void> {
    await this.d.money.ready;
    const row = claimed?.row ?? (await this.d.repo.get(jobId));
    if (!row || row.status !== 'running') return;
    const provider = this.d.providers.get(row.provider as ProviderId);
    const { params, cannotRun } = openJobParams(row, this.d.vault);
    const ctx: Ctx = { row, token: row.lease_token, provider: provider!, params, signal, lastProgressEmit: new Map(), isSettled: false, limitWaits: 0 };
    let tasks: TaskRow[] | null = null; // as read at the start; null when something below changed them
    try {
      if (!provider) {
        await this.failPending(ctx, 'PROVIDER_FAILED', `The ${row.provider} provider is not configured on this machine.`);
      } else if (cannotRun) {
        // Nothing can be sent for the tasks not yet created: they fail, and with nothing billed the reservation is released at settle.
        this.d.logger.log('warn', 'a job cannot run', { jobId, code: cannotRun.code });
        await this.failPending(ctx, cannotRun.code, cannotRun.message);
      } else {
        // A task left in 'intent' means a create may or may not have reached the provider.
        tasks = claimed?.tasks ?? (await this.d.repo.tasks(jobId));
        const inIntent = tasks.filter((t) => t.status === 'intent');
        if (inIntent.length > 0) await this.d.engine.tx(async (q) => { for (const t of inIntent) await this.endTask(ctx, t.n, { status: 'unknown' }, q); });
        if (row.attempts > row.max_attempts) await this.failPending(ctx, 'RETRIES_EXHAUSTED', `Gave up after ${row.max_attempts} attempts.`);
        if (inIntent.length > 0 || row.attempts > row.max_attempts) tasks = null; // changed: read again
      }
      // Tasks just read after the claim need no second read before their first step.
      const fresh = tasks !== null;
      const outcomes = await Promise.all((tasks ?? (await this.d.repo.tasks(jobId))).map((t) => this.driveTask(ctx, t.n, fresh ? t : undefined)));
      const requeues = outcomes.filter((o): o is Extract<TaskOutcome, { kind: 'requeue' }> => o.kind === 'requeue');
      if (requeues.length > 0) {
        const worst = requeues.reduce((a, b) => (b.delayMs > a.delayMs ? b : a));
        // Refused by the breaker or the tier's limits before any provider call, on every task still to run:
        // not an attempt (C4: backpressure fails nothing).
        const isHeldBack = requeues.every((o) => HELD_BACK.includes(o.code));
        if (requeues.some((o) => o.code === 'PROVIDER_LIMIT')) this.d.onWaitingForTier?.();
        const changed = (await this.d.repo.s[isHeldBack ? 'requeueUncounted' : 'requeue'].run({ id: jobId, token: ctx.token, at: this.d.clock.now() + worst.delayMs, now: this.d.clock.now(), code: worst.code, message: worst.message })).changes;
        if (changed === 0) throw new LeaseLost();
      } else {
        // Already settled in the last task's own commit when it could be (settleIfLast).
        if (!ctx.isSettled) await this.d.engine.tx((q) => this.settle(ctx, q), MONEY);
        if (row.provider === 'runway') {
          this.d.funds?.refresh('settle', 0).catch((e: unknown) => this.d.logger.log('warn', 'the provider balance could not be read after a settle', { jobId, error: (e as Error)?.message ?? String(e) }));
        }
      }
    } catch (e) {
      if (e instanceof LeaseLost) {
        this.d.logger.log('warn', 'lease lost; another worker owns the job now', { jobId });
        return;
      }
      throw e;
    } finally {
      this.d.emitJob(jobId);
    }
  }

  /** `fresh`: the task's row as just read after the claim (its first step does not read it again). */
  private async driveTask(ctx: Ctx, n: number, fresh?: TaskRow): Promise<TaskOutcome> {
    let pollFailures = 0;
    let isCancelSent = false;
    let created: Created | null = null;
    for (;;) {
      if (ctx.signal.aborted) return { kind: 'requeue', delayMs: 0, code: 'SHUTDOWN', message: 'The app stopped; the job resumes on the next start.' };
      // The lease (and a cancel asked for since) is read at every step but two: the first after the claim,
      // which read the row in the commit a moment ago, and the first poll after a create, whose record was
      // fenced by the lease. A cancel asked for meanwhile is seen by the intent's fence (before any create)
      // or at the next step.
      const isJustRead = fresh !== undefined && (created === null || fresh === created.task);
      const [task, job] = await Promise.all([
        fresh ?? this.d.repo.s.task.get({ id: ctx.row.id, n }),
        isJustRead ? { lease_token: ctx.token, is_cancel_requested: created ? 0 : ctx.row.is_cancel_requested, attempts: ctx.row.attempts } : this.d.repo.s.leaseState.get({ id: ctx.row.id }),
      ]);
      fresh = undefined;
      if (!task || !job) throw new LeaseLost();
      if (job.lease_token !== ctx.token) throw new LeaseLost();
      if (['succeeded', 'failed', 'cancelled', 'unknown'].includes(task.status)) return { kind: 'done' };
      if (job.is_cancel_requested === 1) {
        if (task.status === 'pending') {
          await this.endTask(ctx, n, { status: 'cancelled', cost: 0 });
          return { kind: 'done' };
        }
        if (!isCancelSent && task.provider_task_id) {
          isCancelSent = true;
          await ctx.provider.cancel(task.provider_task_id, ctx.signal).catch((e: unknown) => {
            this.d.logger.log('warn', 'provider cancel failed; polling for the final state', { jobId: ctx.row.id, n, error: String(e) });
          });
        }
      }
      if (task.status === 'pending') {
        const out = await this.create(ctx, task);
        if (out === null) continue;
        if (!('task' in out)) return out;
        // Recorded: polled at once, from the row as written.
        created = out;
        fresh = out.task;
        continue;
      }
      // submitted: poll
      let state: TaskState;
      try {
        state = await ctx.provider.get(task.provider_task_id!, ctx.signal);
        pollFailures = 0;
      } catch (e) {
        const pe = asProviderError(e);
        if (pe.verdict === 'retry' && ++pollFailures <= 5) {
          await sleep(this.d.backoff(ctx.provider.id, pollFailures, pe.retryAfterMs), ctx.signal);
          continue;
        }
        if (pe.verdict === 'retry') return { kind: 'requeue', delayMs: this.d.backoff(ctx.provider.id, job.attempts, pe.retryAfterMs), code: pe.code, message: pe.message };
        await this.endTask(ctx, n, { status: 'unknown', code: pe.code, failure: pe.message });
        return { kind: 'done' };
      }
      const out = await this.observe(ctx, task, state, created?.task.n === n ? created.attempt : undefined);
      if (out) return out;
    }
  }

  /** Commits the intent, makes exactly one create call, records its id. Returns an outcome when the task leaves 'pending' for good or the job must wait. */
  private async create(ctx: Ctx, task: TaskRow): Promise<TaskOutcome | Created | null> {
    const { provider, row } = ctx;
    const tries = task.tries + 1;
    const maxTries = this.d.money.settings(provider.id).backoff.maxRetries + 1;
    if (tries > maxTries) {
      await this.endTask(ctx, task.n, { status: 'failed', cost: 0, code: 'RETRIES_EXHAUSTED', failure: `The provider refused ${maxTries} times.` });
      return { kind: 'done' };
    }
    // The tier first: a wait for it must not take a request token from the gate's bucket (a job waiting
    // out an unreadable tier took one a second, and on a stopped test clock none came back).
    const limits = await this.d.tierLimits(provider.id, row.model);
    if (!limits) {
      // null: this worker of a shared queue could not read the provider's tier yet; admitting on the plan's
      // numbers alone could exceed it for the whole team. It reads it again before the next try.
      await sleep(1000, ctx.signal);
      return null;
    }
    const permit = await this.d.gate.admit(provider.id, ctx.signal);
    if (!permit) {
      if (ctx.signal.aborted) return { kind: 'requeue', delayMs: 0, code: 'SHUTDOWN', message: 'The app stopped; the job resumes on the next start.' };
      // The queue claims nothing for this provider while its breaker is open; a short wait covers the
      // half-open moment when another job holds the one trial.
      const view = this.d.gate.view().find((b) => b.provider === provider.id);
      return { kind: 'requeue', delayMs: 1000, code: 'PROVIDER_UNAVAILABLE', message: `${provider.id} is having trouble (${view?.reason ?? 'circuit open'}); the job waits and keeps its reservation.` };
    }
    const before = await this.balance(ctx);
    const now = this.d.clock.now();
    // Durable before the create call (Q4); shares its commit with the other jobs' steps of this tick. The
    // tier's limits are taken in the same transaction, from the database every worker shares (sharedLimits).
    const intent = await this.d.engine.tx(
      async (q) => {
        const admitted = await this.d.admit(q, { provider: provider.id, model: row.model, now, ...limits, taskKey: { jobId: row.id, n: task.n } });
        if (!admitted.ok) return admitted;
        if ((await this.d.repo.on(q).taskIntent.run({ id: row.id, n: task.n, token: ctx.token, now })).changes === 0) {
          // Fenced by the lease and by a cancel: a cancel asked for since the last read sends nothing.
          const job = await this.d.repo.on(q).leaseState.get({ id: row.id });
          throw job?.lease_token === ctx.token && job.is_cancel_requested === 1 ? new CancelSeen() : new LeaseLost();
        }
        const attemptId = await this.d.attempts.start({
          jobId: row.id, n: task.n, attempt: tries, provider: provider.id, artifactClass: row.artifact_class, model: row.model,
          paramsHash: row.params_hash, inputBytes: row.input_bytes, outputSpec: row.output_spec, creditsBefore: before,
          creditsEstimated: Math.ceil(row.estimated_credits / row.variations), queueTimeMs: now - row.created_at, startedAt: now,
        }, q);
        return { ok: true as const, attemptId };
      },
      { isolation: 'lockRows' },
    ).catch((e: unknown) => {
      permit.unused();
      if (e instanceof CancelSeen) return null; // the next step reads the cancel and ends the task
      throw e;
    });
    if (intent === null) return null;
    if (!intent.ok) {
      // The team's tier is at its limit (another worker's tasks count too): nothing was sent, no attempt
      // counted, and the gate's request token goes back (a job waiting out the tier took one a second, and
      // could empty the bucket for every other model of the provider).
      permit.unused();
      // A slot frees only when some task of the model ends — possibly one of a job waiting in the queue for
      // a worker (a dead worker's, taken back when its lease ran out). Waiting here would hold this worker's
      // slot from that job for good, so after LIMIT_WAITS waits a concurrency refusal gives the job back to the
      // queue (ready at once, uncounted): the next claim takes the best ready job, which may be that one.
      if (intent.waitMs <= 2000 && !ctx.signal.aborted) {
        await sleep(intent.waitMs, ctx.signal);
        if (intent.reason === 'rate' || ++ctx.limitWaits < LIMIT_WAITS) return null;
        return { kind: 'requeue', delayMs: 0, code: 'PROVIDER_LIMIT', message: `The ${provider.id} tier's concurrency limit is reached across the team; the job waits its turn.` };
      }
      return { kind: 'requeue', delayMs: intent.waitMs, code: 'PROVIDER_LIMIT', message: `The ${provider.id} tier's ${intent.reason === 'rate' ? 'request rate' : 'concurrency'} limit is reached across the team; the job waits its turn.` };
    }
    const { attemptId } = intent;
    let created;
    try {
      // Not ctx.signal: shutting down must not abort a create mid-flight (its outcome would become unknown).
      const image = ctx.params.promptImage && !/^https:\/\//i.test(ctx.params.promptImage) ? { promptImageFile: ctx.params.promptImage } : {};
      created = await provider.create({ jobId: row.id, variation: task.n, params: variationParams(ctx.params, task.n), ...image }, new AbortController().signal);
    } catch (e) {
      const pe = asProviderError(e);
      if (pe.code === 'CANCELLED') permit.release();
      else permit.failure(pe);
      if (pe.httpStatus === 429) this.d.gate.recordRateLimited(provider.id);
      const end = this.d.clock.now();
      if (pe.verdict === 'retry') {
        await this.d.engine.tx(async (q) => {
          if ((await this.d.repo.on(q).taskBackToPending.run({ id: row.id, n: task.n, token: ctx.token })).changes === 0) throw new LeaseLost();
          await this.d.attempts.end(attemptId, { status: 'retry', code: pe.code, charged: 0, latencyMs: end - now, now: end }, q);
        });
        const delay = this.d.backoff(provider.id, tries, pe.retryAfterMs);
        if (delay <= 2000 && !ctx.signal.aborted) {
          await sleep(delay, ctx.signal);
          return null;
        }
        return { kind: 'requeue', delayMs: delay, code: pe.code, message: pe.message };
      }
      if (pe.verdict === 'fatal') {
        await this.d.engine.tx(async (q) => {
          await this.d.attempts.end(attemptId, { status: 'fail', code: pe.code, charged: 0, latencyMs: end - now, now: end }, q);
          await this.endTask(ctx, task.n, { status: 'failed', cost: 0, code: pe.code, failure: pe.message }, q);
        });
        return { kind: 'done' };
      }
      await this.d.engine.tx(async (q) => {
        await this.d.attempts.end(attemptId, { status: 'unknown', code: pe.code, latencyMs: end - now, now: end }, q);
        await this.endTask(ctx, task.n, { status: 'unknown', code: pe.code, failure: pe.message }, q);
      });
      return { kind: 'done' };
    }
    permit.success();
    const submittedAt = this.d.clock.now();
    await this.d.engine.tx(async (q) => {
      await this.d.attempts.setProviderJobId(attemptId, created.taskId, q);
      if ((await this.d.repo.on(q).taskSubmitted.run({ id: row.id, n: task.n, token: ctx.token, taskId: created.taskId, est: created.estimatedCredits, now: submittedAt })).changes === 0) {
        throw new LeaseLost();
      }
    });
    this.d.emitJob(row.id);
    return {
      task: { ...task, status: 'submitted', tries, intent_at: now, provider_task_id: created.taskId, estimated_credits: created.estimatedCredits, submitted_at: submittedAt },
      attempt: { id: attemptId, startedAt: now },
    };
  }

  /**
   * Reacts to one polled state. Returns an outcome when the task is finished. `opened`: the attempt the
   * create just opened (read here otherwise: a resumed task).
   */
  private async observe(ctx: Ctx, task: TaskRow, state: TaskState, opened?: Created['attempt']): Promise<TaskOutcome | null> {
    const { row } = ctx;
    const attempt = opened ?? (await this.d.attempts.openFor(row.id, task.n));
    const now = this.d.clock.now();
    if (state.status === 'SUCCEEDED' || state.status === 'FAILED' || state.status === 'CANCELLED') {
      if (task.submitted_at !== null) this.d.gate.recordLatency(ctx.provider.id, now - task.submitted_at);
    }
    if (state.status === 'SUCCEEDED') {
      const output = state.outputs?.[0];
      if (!output) {
        await this.d.engine.tx(async (q) => {
          await this.endTask(ctx, task.n, { status: 'failed', cost: state.costCredits ?? null, code: 'NO_OUTPUT', failure: 'The provider reported success without an output.' }, q);
          if (attempt) await this.d.attempts.end(attempt.id, { status: 'fail', code: 'NO_OUTPUT', charged: state.costCredits ?? null, latencyMs: now - attempt.startedAt, now }, q);
        });
        return { kind: 'done' };
      }
      const tmp = join(this.d.media.tempDir(), `${row.id}-${task.n}-${this.d.ids.newId('dl')}.part`);
      try {
        await ctx.provider.download(output, tmp, ctx.signal);
        const stored = await this.d.media.storeOutput({ artifactClass: row.artifact_class as 'preview' | 'release', projectId: row.project_id, jobId: row.id, n: task.n, fromFile: tmp });
        const takeId = this.d.ids.newId('tk');
        const cost = state.costCredits ?? task.estimated_credits ?? Math.ceil(row.estimated_credits / row.variations);
        const after = await this.balance(ctx);
        const end = this.d.clock.now();
        const taken = this.d.engine.tx(async (q) => {
          const take = await this.d.takes.insertIn(q, {
            id: takeId, jobId: row.id, projectId: row.project_id, shotId: row.shot_id, n: task.n, artifactClass: row.artifact_class as 'preview' | 'release',
            artifactId: stored.artifactId, sourceTakeId: row.source_take_id, model: row.model, durationSec: stored.durationSec,
            width: stored.width, height: stored.height, credits: cost,
          });
          await this.endTask(ctx, task.n, { status: 'succeeded', cost, takeId, providerStatus: 'SUCCEEDED' }, q);
          if (attempt) await this.d.attempts.end(attempt.id, { status: 'ok', charged: cost, after, latencyMs: end - attempt.startedAt, now: end }, q);
          await this.settleIfLast(ctx, q);
          return take;
        }, MONEY);
        this.endingWith(ctx);
        this.d.takes.announceStored(await taken);
        this.d.onTakeStored(takeId);
        return { kind: 'done' };
      } catch (e) {
        if (e instanceof LeaseLost) throw e;
        const code = e instanceof AppError ? e.code : 'IO_FAILED';
        const message = `Could not store the output: ${(e as Error).message}`;
        if (row.attempts >= row.max_attempts) {
          // The provider billed it; record the charge and fail the task rather than retry forever.
          const cost = state.costCredits ?? task.estimated_credits ?? Math.ceil(row.estimated_credits / row.variations);
          const end = this.d.clock.now();
          await this.d.engine.tx(async (q) => {
            if (attempt) await this.d.attempts.end(attempt.id, { status: 'fail', code, charged: cost, latencyMs: end - attempt.startedAt, now: end }, q);
            await this.endTask(ctx, task.n, { status: 'failed', cost, code, failure: message }, q);
          });
          return { kind: 'done' };
        }
        this.d.logger.log('error', 'storing a finished output failed; will retry', { jobId: row.id, n: task.n, error: (e as Error).message });
        return { kind: 'requeue', delayMs: this.d.backoff(ctx.provider.id, row.attempts), code, message };
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    if (state.status === 'FAILED' || state.status === 'CANCELLED') {
      const cost = state.costCredits ?? 0;
      const isCancelled = state.status === 'CANCELLED';
      const after = await this.balance(ctx);
      const retryable = !isCancelled && isRetryableFailure(state.failureCode) && (await this.d.repo.s.leaseState.get({ id: row.id }))?.is_cancel_requested === 0;
      const ended = this.d.engine.tx(async (q) => {
        // A worker whose lease was taken over meanwhile writes nothing: the new owner may have started the variation again.
        if (retryable && (await this.d.repo.on(q).taskBackToPending.run({ id: row.id, n: task.n, token: ctx.token })).changes === 0) throw new LeaseLost();
        if (attempt) await this.d.attempts.end(attempt.id, { status: isCancelled ? 'canceled' : 'fail', code: state.failureCode ?? null, charged: cost, after, latencyMs: now - attempt.startedAt, now }, q);
        if (!retryable) {
          await this.endTask(ctx, task.n, { status: isCancelled ? 'cancelled' : 'failed', cost, code: state.failureCode ?? null, failure: state.failure ?? null, providerStatus: state.status }, q);
          await this.settleIfLast(ctx, q);
        }
      }, MONEY);
      if (!retryable) this.endingWith(ctx);
      await ended;
      return retryable ? null : { kind: 'done' };
    }
    // Still waiting: PENDING, THROTTLED (the provider's own queue) or RUNNING.
    if (state.status === 'RUNNING' && task.provider_status !== 'RUNNING' && task.submitted_at !== null) {
      this.d.gate.recordQueueTime(ctx.provider.id, now - task.submitted_at);
    }
    // Progress is only shown, never decided on: written when it changed, not on every poll.
    if (task.provider_status !== state.status || task.progress !== (state.progress ?? null)) {
      await this.d.repo.s.taskProgress.run({ id: row.id, n: task.n, providerStatus: state.status, progress: state.progress ?? null });
    }
    const last = ctx.lastProgressEmit.get(task.n) ?? 0;
    if (now - last >= 100) {
      ctx.lastProgressEmit.set(task.n, now);
      this.d.events.emit('jobs.progressed', { jobId: row.id, n: task.n, progress: state.progress ?? 0, providerStatus: state.status });
    }
    await sleep(this.d.pollIntervalMs(ctx.provider.id), ctx.signal);
    return null;
  }

  /**
   * Inside a task's final transaction: when every task has now ended, settle the job in the same commit
   * (a single-variation job ends its task and captures its money in one fsync).
   */
  private async settleIfLast(ctx: Ctx, q: Queryable): Promise<void> {
    const tasks = await this.d.repo.tasks(ctx.row.id, q);
    if (!tasks.every((t) => TASK_ENDED.includes(t.status))) return;
    // Its own savepoint (both engines): a settle that fails leaves the task's writes to commit; run() settles again on its own and the error surfaces there.
    await q.exec('SAVEPOINT settle_job');
    try {
      await this.settle(ctx, q, tasks);
      await q.exec('RELEASE SAVEPOINT settle_job');
      ctx.isSettled = true;
    } catch (e) {
      await q.exec('ROLLBACK TO SAVEPOINT settle_job');
      await q.exec('RELEASE SAVEPOINT settle_job');
      if (e instanceof LeaseLost) throw e;
    }
  }

  /** All tasks terminal: capture what the provider billed over every attempt, release the rest, end the job. Runs inside the caller's transaction. */
  private async settle(ctx: Ctx, q: Queryable, known?: TaskRow[]): Promise<void> {
    const { row } = ctx;
    const on = this.d.repo.on(q);
    const tasks = known ?? (await on.tasks.all({ id: row.id }));
    const job = await on.leaseState.get({ id: row.id });
    if (!job) throw new LeaseLost();
    const outcome = jobOutcome(tasks, job.is_cancel_requested === 1);
    const now = this.d.clock.now();
    if (outcome.status === 'unknown') {
      // Hold the reservation: the user decides (resolveUnknown).
      if ((await on.finish.run({ id: row.id, token: ctx.token, status: 'unknown', captured: null, after: null, code: 'UNKNOWN_OUTCOME', message: outcome.message, now })).changes === 0) throw new LeaseLost();
      return;
    }
    const charged = await this.d.attempts.chargedFor(row.id, q);
    // Nothing billed (refused, failed, cancelled before running): the reservation is voided, a refund in the books.
    const cap = !row.reservation_id
      ? { captured: 0, after: null }
      : charged === 0
        ? { captured: 0, after: (await this.d.money.release(row.reservation_id, `job ${outcome.status} with nothing billed`, q)).after }
        : await this.d.money.capture(row.reservation_id, charged, q);
    if ((await on.finish.run({ id: row.id, token: ctx.token, status: outcome.status, captured: cap.captured, after: cap.after, code: outcome.code, message: outcome.message, now })).changes === 0) {
      throw new LeaseLost();
    }
  }

  /** A job of one variation ends with the transaction just queued (more variations: their own steps decide). */
  private endingWith(ctx: Ctx): void {
    if (ctx.row.variations === 1) this.d.onEnding?.(ctx.row.id);
  }

  /** Ends one task (on the transaction's Queryable when given, else as one statement of its own). */
  private async endTask(ctx: Ctx, n: number, o: { status: TaskRow['status']; cost?: number | null; code?: string | null; failure?: string | null; takeId?: string | null; providerStatus?: string | null }, q?: Queryable): Promise<void> {
    const on = this.d.repo.on(q);
    if (o.status === 'unknown') {
      await on.taskUnknown.run({ id: ctx.row.id, n, code: o.code ?? null, failure: o.failure ?? null });
      return;
    }
    await on.taskEnd.run({ id: ctx.row.id, n, status: o.status, cost: o.cost ?? null, code: o.code ?? null, failure: o.failure ?? null, takeId: o.takeId ?? null, providerStatus: o.providerStatus ?? null, now: this.d.clock.now() });
  }

  private async failPending(ctx: Ctx, code: string, message: string): Promise<void> {
    await this.d.engine.tx(async (q) => {
      for (const t of await this.d.repo.tasks(ctx.row.id, q)) if (t.status === 'pending') await this.endTask(ctx, t.n, { status: 'failed', cost: 0, code, failure: message }, q);
    });
  }

  private async balance(ctx: Ctx): Promise<number | null> {
    if (!ctx.provider.account) return null;
    try {
      return (await ctx.provider.account(ctx.signal)).creditBalance;
    } catch (e) {
      this.d.logger.log('warn', 'could not read the provider balance', { provider: ctx.provider.id, error: (e as Error).message });
      return null;
    }
  }
}

export function asProviderError(e: unknown): ProviderCallError {
  if (e instanceof ProviderCallError) return e;
  if (e instanceof AppError && e.code === 'VALIDATION') return new ProviderCallError(e.message, { verdict: 'fatal', code: 'VALIDATION', isProviderFault: false, cause: e });
  if ((e as Error)?.name === 'AbortError') return new ProviderCallError('aborted', { verdict: 'retry', code: 'CANCELLED', isProviderFault: false, cause: e });
  return new ProviderCallError(`Provider call failed: ${(e as Error)?.message ?? String(e)}`, { verdict: 'unknown', isProviderFault: true, cause: e });
}

/** Variation n of a job: with a seed, seed + n (so variations differ but stay reproducible); without, the provider picks. */
export function variationParams(p: GenerationParams, n: number): GenerationParams {
  return p.seed === undefined ? p : { ...p, seed: (p.seed + n) % 4294967296 };
}
