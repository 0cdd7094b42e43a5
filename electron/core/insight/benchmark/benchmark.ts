import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import type { BenchmarkRunInput } from '../../../../shared/contract/insight';
import type { BenchmarkJob, BenchmarkReport } from '../../../../shared/contract/benchmarkTypes';
import { AppError, isAppError } from '../../../../shared/errors';
import type { GenerationParams } from '../../../../shared/jobParams';
import type { ProviderId } from '../../../../shared/money/params';
import type { CoreEvents } from '../../coreEvents';
import type { SqlEngine } from '../../db/engine/sqlEngine';
import { ensureDir, writeFileDurable } from '../../media/store/fileOps';
import type { MoneyService } from '../../money/moneyService';
import type { PlanRegistry } from '../../money/planRegistry';
import type { Clock, Ids, Logger } from '../../ports';
import type { Provider } from '../../providers/provider';
import type { JobQueue } from '../../queue/jobQueue';
import { dayOf } from '../insightTime';
import { benchmarkFindings, benchmarkSummary } from './benchmarkFigures';
import { benchmarkRepo as repo, type BenchmarkRunRow } from './benchmarkRepo';
import { benchmarkSpec, BIG_JOBS, SMALL_JOBS, type JobSpec } from './benchmarkSpec';
import { unifiedDiff } from './lineDiff';
import { applyChanges, proposedChanges } from './planProposal';

/**
 * The quarterly benchmark (docs/sources.md 003): ten jobs through the real queue, one at a time so a balance delta
 * is one job's cost; a dated report in <dataDir>/benchmarks; a plan-config proposal as a diff, applied
 * only when the user says so (a user plan file in <dataDir>/plans, PlanRegistry's convention).
 */
export interface BenchmarkDeps {
  engine: SqlEngine;
  dataDir: string;
  queue: JobQueue;
  providers: ReadonlyMap<ProviderId, Provider>;
  money: MoneyService;
  plans: PlanRegistry;
  events: CoreEvents;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** A job still running after this long is cancelled and counted as failed (default 30 min). */
  jobTimeoutMs?: number;
}

const TERMINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'discarded', 'unknown']);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class Benchmark {
  constructor(private readonly d: BenchmarkDeps) {}

  async list(): Promise<BenchmarkReport[]> {
    return (await repo.all(this.d.engine)).map((r) => this.view(r));
  }

  async get(id: string): Promise<BenchmarkReport> {
    const r = await repo.one(this.d.engine, id);
    if (!r) throw new AppError('NOT_FOUND', `No benchmark ${id}. \`circletake benchmark --list\` shows the runs.`, { field: 'id', id });
    return this.view(r);
  }

  /** The jobs the run would submit and what they are estimated to cost (nothing is submitted). */
  plan(input: z.output<typeof BenchmarkRunInput>) {
    const provider = this.d.providers.get(input.provider);
    if (!provider) throw new AppError('VALIDATION', `provider: ${input.provider} is not set up on this machine; use --provider local.`, { field: 'provider' });
    const active = this.d.plans.active();
    const target = input.plan ?? active.plan.plan.name;
    this.d.plans.plan(target);
    const paramsOf = (j: JobSpec, model: string, tag: string): GenerationParams =>
      ({ provider: input.provider, model, durationSec: j.durationSec, ratio: j.ratio, variations: j.variations, artifactClass: 'preview', audio: false, upscale: false, prompt: `Circle Take benchmark ${tag}` }) as GenerationParams;
    const accepts = (p: { model: string; durationSec: number; ratio: string; variations: number }) => {
      const params = paramsOf({ kind: 'small', ...p }, p.model, 'probe');
      try {
        provider.validate(params);
        return this.d.money.estimate({ params }).estimate.violations.length === 0;
      } catch (e) {
        if (isAppError(e)) return false;
        throw e;
      }
    };
    const spec = benchmarkSpec(active.rateCard, active.plan, accepts, input.model);
    const jobs = [...Array.from({ length: SMALL_JOBS }, () => spec.small), ...Array.from({ length: BIG_JOBS }, () => spec.big)];
    const estimated = jobs.reduce((n, j) => n + this.d.money.estimate({ params: paramsOf(j, spec.model, 'estimate') }).estimate.credits, 0);
    const notes = [...spec.notes];
    if (target !== active.plan.plan.name) notes.push(`jobs ran under the active plan ${active.plan.plan.name}; the proposal is for ${target}`);
    return { provider, spec, jobs, estimated, target, notes, paramsOf };
  }

  async run(input: z.output<typeof BenchmarkRunInput>): Promise<BenchmarkReport> {
    const p = this.plan(input);
    if (!p.provider.isSimulation && !input.isConfirmed) {
      throw new AppError('VALIDATION', `isConfirmed: the benchmark spends about ${p.estimated} ${input.provider} credits on ${p.jobs.length} jobs; confirm to run it (--yes).`, {
        field: 'isConfirmed',
        estimatedCredits: p.estimated,
      });
    }
    // A provider that needs an account must answer before anything is spent (a missing key fails here).
    if (!p.provider.isSimulation && p.provider.account) await p.provider.account(new AbortController().signal);
    const id = this.d.ids.newId('bench');
    const started = this.d.clock.now();
    const day = dayOf(started);
    const records: BenchmarkJob[] = [];
    let retries = 0;
    for (const [i, j] of p.jobs.entries()) {
      const r = await this.runOne(p.provider, p.paramsOf(j, p.spec.model, `${id} ${j.kind} ${i + 1}`), j, `Benchmark ${day}`);
      records.push(r.record);
      retries += r.retries;
      this.d.events.emit('benchmark.progressed', { id, done: i + 1, total: p.jobs.length });
    }
    const summary = benchmarkSummary(records);
    const activePlan = this.d.plans.active();
    const targetPlan = this.d.plans.plan(p.target);
    const entry = this.planEntry(p.target);
    const account = p.provider.account ? await p.provider.account(new AbortController().signal).catch(() => null) : null;
    const baseText = readFileSync(entry.file, 'utf8');
    const targetFile = entry.source === 'user' ? entry.file : join(this.d.dataDir, 'plans', `${p.target}.yaml`);
    const changes = proposedChanges({ plan: targetPlan, day, maxConcurrent: account?.limits[p.spec.model]?.maxConcurrent ?? null, rateLimited: retries });
    const text = applyChanges(targetFile, baseText, changes);
    const file = join(this.d.dataDir, 'benchmarks', `benchmark-${day}-${input.provider}-${id.slice(-6)}.json`);
    const report: BenchmarkReport = {
      id,
      day,
      provider: input.provider,
      plan: p.target,
      model: p.spec.model,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(this.d.clock.now()).toISOString(),
      file,
      jobs: records,
      summary,
      findings: benchmarkFindings(summary, records, activePlan.plan, activePlan.rateCard.rate_card.name, p.notes),
      proposal: { plan: p.target, baseFile: entry.file, targetFile, baseSha256: sha256(baseText), changes, diff: unifiedDiff(baseText, text, entry.file, targetFile), text },
      appliedAt: null,
    };
    await ensureDir(join(this.d.dataDir, 'benchmarks'));
    await writeFileDurable(file, `${JSON.stringify(report, null, 2)}\n`);
    await writeFileDurable(file.replace(/\.json$/, '.plan.diff'), report.proposal.diff);
    const row = { id, provider: input.provider, plan: p.target, model: p.spec.model, day, json: JSON.stringify(report), file, now: this.d.clock.now() };
    await this.d.engine.tx((q) => repo.insert(q, row));
    this.d.logger.log('info', 'benchmark finished', { id, provider: input.provider, model: p.spec.model, failures: summary.failures, file });
    return report;
  }

  /** Writes the proposed plan file and reloads the plans. Refused when the plan file changed since the run, or it was applied already. */
  async apply(id: string): Promise<{ id: string; plan: string; file: string; version: number; checkedAt: string }> {
    const report = await this.get(id);
    if (report.appliedAt !== null) throw new AppError('CONFLICT', `Benchmark ${id}'s proposal was applied on ${report.appliedAt}.`, { id });
    const pr = report.proposal;
    const base = existsSync(pr.baseFile) ? readFileSync(pr.baseFile, 'utf8') : null;
    if (base === null || sha256(base) !== pr.baseSha256 || (pr.targetFile !== pr.baseFile && existsSync(pr.targetFile))) {
      throw new AppError('CONFLICT', `The plan file ${pr.targetFile === pr.baseFile || !existsSync(pr.targetFile) ? pr.baseFile : pr.targetFile} changed since the benchmark; nothing was written. Run the benchmark again for a fresh proposal.`, {
        file: pr.baseFile,
      });
    }
    await ensureDir(join(this.d.dataDir, 'plans'));
    await writeFileDurable(pr.targetFile, pr.text);
    await this.d.money.reload();
    const entry = this.d.plans.list().plans.find((e) => e.name === pr.plan);
    const version = pr.changes.find((c) => c.path === 'plan.version')?.to as number;
    if (!entry || entry.file !== pr.targetFile || entry.config.plan.version !== version) {
      if (pr.targetFile !== pr.baseFile) await rm(pr.targetFile, { force: true });
      else await writeFileDurable(pr.targetFile, base);
      await this.d.money.reload();
      const problem = this.d.plans.problems().find((x) => x.file === pr.targetFile);
      throw new AppError('INTERNAL', `The plans did not take ${basename(pr.targetFile)}${problem ? ` (${problem.field}: ${problem.message})` : ''}; it was removed again.`, { file: pr.targetFile });
    }
    const now = this.d.clock.now();
    await this.d.engine.tx((q) => repo.markApplied(q, id, now, pr.targetFile));
    return { id, plan: pr.plan, file: pr.targetFile, version, checkedAt: entry.config.plan.checked_at };
  }

  private async runOne(provider: Provider, params: GenerationParams, j: JobSpec, project: string): Promise<{ record: BenchmarkJob; retries: number }> {
    const base = { kind: j.kind, model: params.model, durationSec: j.durationSec, ratio: j.ratio, variations: j.variations };
    const before = await this.balance(provider);
    let jobId: string;
    try {
      jobId = (await this.d.queue.submit({ params, projectName: project, shotName: `Benchmark ${j.kind}`, noCache: true, priority: 0 })).jobId;
    } catch (e) {
      if (!isAppError(e)) throw e;
      const record: BenchmarkJob = { ...base, jobId: null, paramsHash: null, status: 'refused', estimated: null, charged: null, creditsBefore: before, creditsAfter: before, queueTimeMs: null, latencyMs: null, errorCode: e.code };
      return { record, retries: 0 };
    }
    const job = await this.waitFor(jobId);
    const after = await this.balance(provider);
    const attempts = await repo.attempts(this.d.engine, jobId);
    const record: BenchmarkJob = {
      ...base,
      jobId,
      paramsHash: job.paramsHash,
      status: job.status === 'succeeded' ? 'ok' : 'fail',
      estimated: job.estimatedCredits,
      charged: job.capturedCredits,
      creditsBefore: before,
      creditsAfter: after,
      queueTimeMs: attempts.reduce<number | null>((m, a) => (a.queue_time_ms === null ? m : Math.max(m ?? 0, a.queue_time_ms)), null),
      latencyMs: job.finishedAt === null ? null : job.finishedAt - job.createdAt,
      errorCode: job.errorCode,
    };
    return { record, retries: attempts.filter((a) => a.status === 'retry').length };
  }

  private async waitFor(jobId: string) {
    // Wall-clock: a stuck job is a real-time concern, whatever the core's clock says.
    const deadline = Date.now() + (this.d.jobTimeoutMs ?? 30 * 60_000);
    let isCancelled = false;
    for (;;) {
      const job = await this.d.queue.get(jobId);
      if (TERMINAL.has(job.status)) return job;
      if (!isCancelled && Date.now() > deadline) {
        isCancelled = true;
        this.d.logger.log('warn', 'benchmark job took too long; cancelling it', { jobId });
        try {
          await this.d.queue.cancel(jobId);
        } catch (e) {
          // It may have finished in between: the next look sees its end.
          if (!isAppError(e) || e.code !== 'CONFLICT') throw e;
        }
      }
      if (this.d.queue.isRunner) await this.d.queue.idle();
      await new Promise((r) => setTimeout(r, this.d.queue.isRunner ? 25 : 200));
    }
  }

  private async balance(provider: Provider): Promise<number | null> {
    if (!provider.account) return null;
    try {
      return (await provider.account(new AbortController().signal)).creditBalance;
    } catch (e) {
      this.d.logger.log('warn', 'could not read the provider balance for the benchmark', { provider: provider.id, error: (e as Error).message });
      return null;
    }
  }

  private planEntry(name: string) {
    const e = this.d.plans.list().plans.find((x) => x.name === name);
    if (!e) throw new AppError('NOT_FOUND', `No plan named "${name}".`, { field: 'plan', name });
    return e;
  }

  private view(r: BenchmarkRunRow): BenchmarkReport {
    const report = JSON.parse(r.report_json) as BenchmarkReport;
    return { ...report, appliedAt: r.applied_at === null ? null : new Date(r.applied_at).toISOString() };
  }
}
