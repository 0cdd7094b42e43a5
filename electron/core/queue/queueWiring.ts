import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ProviderId } from '../../../shared/money/params';
import type { Surface } from '../../../shared/money/pools';
import type { JobRepo } from './jobRepo';
import type { ArtifactChecks } from '../media/check/artifactChecks';
import type { FfmpegRunner } from '../media/ffmpeg/runner';
import { probeFile } from '../media/ffmpeg/probe';
import type { MediaStore } from '../media/store/mediaStore';
import { burnIn } from '../media/watermark';
import type { CreditLedger } from '../money/creditLedger';
import type { MoneyService } from '../money/moneyService';
import type { PlanRegistry } from '../money/planRegistry';
import type { Ports } from '../ports';
import { ImportProvider } from '../providers/import/importProvider';
import { LocalProvider, type LocalSimConfig } from '../providers/local/localProvider';
import { sizeOfRatio } from '../providers/local/renderArgs';
import type { Provider } from '../providers/provider';
import { RunwayProvider } from '../providers/runway/runwayProvider';
import type { KeySource } from '../providers/runway/keySource';
import type { TakeService } from '../takes/takeService';
import { decodeParams, type StoredParams } from './jobParamsColumn';
import { backoffFromPlan, fullJitterDelayMs, mathRng } from './resilience';
import type { QueueMedia, QueueMoney, QueueSettings } from './queuePorts';

/** The plan's queue settings for a provider (rate limits, backoff, concurrency). */
export function planSettings(plans: PlanRegistry): (provider: ProviderId) => QueueSettings {
  return () => {
    const p = plans.active().plan;
    return {
      maxConcurrentJobs: p.quotas.max_concurrent_jobs,
      // Runway has no requests-per-minute limit: null means "not limited here" (10/s keeps us polite).
      requestsPerMinute: p.rate_limits.requests_per_minute ?? 600,
      burst: p.rate_limits.burst,
      backoff: backoffFromPlan(p.rate_limits.backoff),
    };
  };
}

/** The ledger and money desk as the queue's QueueMoney port. */
export function queueMoney(money: MoneyService, ledger: CreditLedger, plans: PlanRegistry): QueueMoney {
  const total = (m: Record<string, number>) => Object.values(m).reduce((a, v) => a + v, 0);
  const poolsOf = (surfaces: string[]) => (p: string) => surfaces.some((s) => p.startsWith(`${s}:`));
  return {
    ready: ledger.ready,
    async check(params, projectId, q, userId) {
      const est = await money.check(params, projectId || null, q, userId ?? null);
      return { credits: est.credits, pools: est.pools as Record<string, number>, usd: est.usd };
    },
    async submitter(jobId, q) {
      return (await ledger.reservationsForJob(jobId, q))[0]?.userId ?? undefined;
    },
    async reserve({ reservationId, jobId, projectId, userId, artifactClass, stage, priced }, q) {
      const r = await ledger.reserve({ id: reservationId, jobId, projectId, ...(userId ? { userId } : {}), stage, artifactClass, amounts: priced.pools as Partial<Record<Surface, number>> }, q);
      const surfaces = Object.keys(priced.pools);
      const inSurface = poolsOf(surfaces);
      const before = Object.entries(r.creditsBefore).filter(([p]) => inSurface(p));
      const after = Object.entries(r.creditsAfter).filter(([p]) => inSurface(p));
      return { before: before.reduce((a, [, v]) => a + v, 0), after: after.reduce((a, [, v]) => a + v, 0) };
    },
    // A settlement's creditsAfter holds exactly the pools of the reservation's surfaces (the queue settles
    // a number, so no other surface is touched): their sum is the balance after, with no second read.
    async capture(reservationId, actual, q) {
      const s = await ledger.capture(reservationId, actual, { q });
      return { captured: s.captured, after: total(s.creditsAfter) };
    },
    async release(reservationId, reason, q) {
      return { after: total((await ledger.void(reservationId, reason, { q })).creditsAfter) };
    },
    settings: planSettings(plans),
  };
}

/** The media store as the queue's QueueMedia port: probe, then store by class. */
export function queueMedia(dataDir: string, store: MediaStore, runner: FfmpegRunner): QueueMedia {
  const tmp = join(dataDir, 'tmp', 'downloads');
  mkdirSync(tmp, { recursive: true });
  return {
    tempDir: () => tmp,
    async storeOutput({ artifactClass, projectId, jobId, n, fromFile }) {
      const probe = await probeFile(runner, fromFile).catch((e: unknown) => {
        throw new AppError('MEDIA_UNSUPPORTED', `The provider's output is not a readable video (${(e as Error).message}).`, undefined, { cause: e });
      });
      const a = artifactClass === 'release' ? await store.putRelease({ projectId, jobId, n, fromFile }) : await store.putPreview({ projectId, jobId, n, fromFile });
      const v = probe.video;
      return { artifactId: a.id, path: await store.locationOf(a), durationSec: probe.durationSec ?? null, width: v?.width ?? null, height: v?.height ?? null };
    },
  };
}

export interface ProviderSetup {
  dataDir: string;
  resourcesDir: string;
  runner: FfmpegRunner;
  money: MoneyService;
  ledger: CreditLedger;
  ports: Ports;
  runwayKeys: KeySource;
  localSim?: Partial<LocalSimConfig>;
}

/** Every provider this machine can use: the local simulator always, Runway (its key is checked at submit). */
export function createProviders(s: ProviderSetup): Map<ProviderId, Provider> {
  const local = new LocalProvider({
    dataDir: s.dataDir,
    render: async (args, { signal, durationSec, onProgress }) => {
      await s.runner.run({
        args,
        purpose: 'render (simulator)',
        signal,
        timeoutMs: Math.max(60_000, durationSec * 20_000),
        onProgress: (b) => {
          if (b.outTimeSec !== null && durationSec > 0) onProgress(b.outTimeSec / durationSec);
        },
      });
    },
    priceOne: (params) => {
      const est = s.money.estimate({ params: { ...params, variations: 1 } }).estimate;
      return est.pools.local ?? est.credits;
    },
    balance: async () => (await s.ledger.balances()).surfaces.find((x) => x.surface === 'local')?.available ?? null,
    watermark: burnIn(s.resourcesDir),
    clock: s.ports.clock,
    logger: s.ports.logger,
    ...(s.localSim ? { config: s.localSim } : {}),
  });
  const runway = new RunwayProvider({ keySource: s.runwayKeys, logger: s.ports.logger, clock: s.ports.clock });
  const imports = new ImportProvider(s.dataDir, (params) => s.money.estimate({ params: { ...params, variations: 1 } }).estimate.credits);
  return new Map<ProviderId, Provider>([
    ['local', local],
    ['runway', runway],
    ['import', imports],
  ]);
}

/**
 * Auto-check of newly stored takes, off the queue's slots (the checker has its own pool sized to the
 * cores): records the verdicts on the take and flags a failing one. In-flight checks are tracked so a
 * door can wait for them (`idle`) and disposal never writes to a closed database.
 */
export class TakeChecks {
  private readonly inflight = new Set<Promise<void>>();
  private readonly ctl = (() => {
    const c = new AbortController();
    // One signal is shared by every check in flight.
    setMaxListeners(0, c.signal);
    return c;
  })();

  constructor(
    private readonly d: {
      takes: TakeService;
      jobs: Pick<JobRepo, 'get'>;
      artifactChecks: ArtifactChecks;
      logger: Ports['logger'];
      /** True when the user registered a watermark image for this provider. */
      hasWatermark(provider: string): Promise<boolean>;
      onFailed(takeId: string, reason: string): Promise<void>;
    },
  ) {}

  schedule(takeId: string): void {
    // Nobody awaits a scheduled check (idle() only when asked): a failure outside run()'s own catch
    // (reading the take, recording the verdict) is logged here, never left as an unhandled rejection.
    const p = this.run(takeId)
      .catch((e: unknown) => this.d.logger.log('error', 'auto-check could not be recorded', { takeId, error: (e as Error)?.message ?? String(e) }))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  async dispose(): Promise<void> {
    this.ctl.abort();
    await this.idle();
  }

  private async run(takeId: string): Promise<void> {
    const { d } = this;
    const take = await d.takes.get(takeId);
    if (!take.artifactId) return;
    const row = await d.jobs.get(take.jobId);
    const params: Partial<StoredParams> = row ? decodeParams(row.params_json, take.jobId) : {};
    const size = params.ratio ? sizeOfRatio(params.ratio) : undefined;
    try {
      const ownWatermark = row && row.provider !== 'local' ? await d.hasWatermark(row.provider) : true;
      const report = await d.artifactChecks.run(
        take.artifactId,
        {
          ...(params.durationSec !== undefined ? { durationSec: params.durationSec } : {}),
          ...(size ? { resolution: size } : {}),
          audio: params.audio === true,
          ...(row ? { provider: row.provider } : {}),
          // Only the simulator burns a watermark into previews; another provider's previews are expected
          // to carry one only if the user registered it. Otherwise our badge must simply be absent.
          ...(!ownWatermark ? { watermarkExpected: false } : {}),
        },
        this.ctl.signal,
      );
      if (this.ctl.signal.aborted) return;
      await d.takes.recordChecks(takeId, report.ok ? 'passed' : 'failed', report.checks);
      if (!report.ok) await d.onFailed(takeId, report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; '));
    } catch (e) {
      if (this.ctl.signal.aborted) return;
      d.logger.log('error', 'auto-check failed to run', { takeId, error: (e as Error).message });
      await d.takes.recordChecks(takeId, 'error', null);
    }
  }
}

export const backoffFor =
  (settings: (p: ProviderId) => QueueSettings) =>
  (provider: ProviderId, retry: number, retryAfterMs?: number): number => {
    const b = settings(provider).backoff;
    const delay = fullJitterDelayMs(b, Math.max(0, retry - 1), mathRng);
    return Math.max(delay, retryAfterMs ?? 0);
  };

export const pollIntervalFor = (provider: ProviderId): number => (provider === 'runway' ? 5_000 : 100);
