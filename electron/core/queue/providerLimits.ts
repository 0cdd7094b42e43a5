import type { Logger } from '../ports';
import type { ProviderId } from '../../../shared/money/params';
import type { Provider } from '../providers/provider';
import type { ResilienceGate } from './providerGate';

/**
 * What each provider reports of its tier (Runway: `GET /v1/organization`, the per-model concurrency), as
 * one queue worker last read it: the per-model limits, which providers were read at least once, and the
 * read under way (calls meanwhile share it). The gate is told each provider's largest limit.
 */
export class ProviderLimits {
  /** The concurrency each provider reported per model, by `provider/model`. */
  private readonly reported = new Map<string, number>();
  private readonly read = new Set<string>();
  private reading: Promise<void> | null = null;

  constructor(
    private readonly providers: ReadonlyMap<ProviderId, Provider>,
    private readonly gate: Pick<ResilienceGate, 'setProviderLimit'>,
    private readonly logger: Logger,
  ) {}

  /** Reads every provider that reports its tier (one read at a time; a call during a read waits for it). */
  refresh(): Promise<void> {
    this.reading ??= this.readAll().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  /** A provider that reports its tier and has not been read yet by this worker. */
  isUnread(provider: ProviderId): boolean {
    return !!this.providers.get(provider)?.account && !this.read.has(provider);
  }

  /** The model's reported concurrency; null when unknown or unlimited. */
  of(provider: ProviderId, model: string): number | null {
    return this.reported.get(`${provider}/${model}`) ?? null;
  }

  private async readAll(): Promise<void> {
    for (const [id, p] of this.providers) {
      if (!p.account) continue;
      try {
        const info = await p.account(AbortSignal.timeout(15_000));
        for (const [model, l] of Object.entries(info.limits)) if (l.maxConcurrent !== null) this.reported.set(`${id}/${model}`, l.maxConcurrent);
        const limits = Object.values(info.limits).map((l) => l.maxConcurrent).filter((n): n is number => n !== null);
        this.gate.setProviderLimit(id, limits.length > 0 ? Math.max(...limits) : null);
        this.read.add(id);
      } catch (e) {
        this.logger.log('debug', 'provider limits not available', { provider: id, error: (e as Error).message });
      }
    }
  }
}
