import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { CoreEvents } from '../coreEvents';
import type { Clock, Ids, Logger } from '../ports';
import type { Provider } from '../providers/provider';
import type { PromptVault } from '../security/promptVault';
import type { TakeService } from '../takes/takeService';
import type { AttemptLog } from './attemptLog';
import type { JobRepo } from './jobRepo';
import type { Admitter, AdmitRequest } from './sharedLimits';
import type { GenerationParams } from '../../../shared/jobParams';
import type { ArtifactClass, ProviderId } from '../../../shared/money/params';

/**
 * What the queue needs from money and media, as small ports. createCore adapts the real ledger,
 * plan registry, media store and auto-checker to these, so the queue depends on no concrete class.
 */
export interface PricedJob {
  /** Total credits the job is estimated to cost (all pools). */
  credits: number;
  /** Credits per pool name. */
  pools: Record<string, number>;
  usd: number | null;
}

export interface QueueSettings {
  maxConcurrentJobs: number;
  requestsPerMinute: number;
  burst: number;
  /** The plan's rate_limits.backoff: full jitter unless the plan turns it off. */
  backoff: { initialMs: number; maxMs: number; maxRetries: number; jitter?: boolean };
}

export interface BalanceSnapshot {
  before: number | null;
  after: number | null;
}

export interface QueueMoney {
  /**
   * Prices a real render and guards it (plan caps, budgets and caps on recorded spend, balances) in one
   * evaluation, for the reservation that follows in the same transaction. Throws VALIDATION (unknown
   * model…), POLICY_REFUSED or INSUFFICIENT_CREDITS naming the rule, the pool and the way out.
   * A cache hit never gets here: it is free whatever the wallet holds.
   */
  /** Settles once the books are open (awaited before a transaction that reserves or settles: a transaction body cannot wait for it). */
  ready: Promise<void>;
  /** `userId`: the submitting member, whose limits (if any) apply. */
  check(params: GenerationParams, projectId: string, q: Queryable, userId?: string | undefined): Promise<PricedJob>;
  /** The member whose submit first reserved for the job (undefined: none), so a retry is held to their limits and counted as theirs again. */
  submitter(jobId: string, q: Queryable): Promise<string | undefined>;
  /** Runs inside the submit transaction `q`. */
  reserve(args: { reservationId: string; jobId: string; projectId: string; userId?: string | undefined; artifactClass: ArtifactClass; stage: 'generate' | 'refine' | 'upscale' | 'export'; priced: PricedJob }, q: Queryable): Promise<BalanceSnapshot>;
  /** Captures the actual cost (capped per policy) and releases the rest; runs inside the settle transaction `q`. */
  capture(reservationId: string, actualCredits: number, q: Queryable): Promise<{ captured: number; after: number | null }>;
  /** Releases the whole reservation (cancel before submission, refund, abandon), inside the caller's transaction `q`. */
  release(reservationId: string, reason: string, q: Queryable): Promise<{ after: number | null }>;
  settings(provider: ProviderId): QueueSettings;
}

export interface StoredOutput {
  artifactId: string;
  path: string;
  durationSec: number | null;
  width: number | null;
  height: number | null;
}

export interface QueueMedia {
  /** Moves a downloaded file into the store of its class (temp → fsync → rename). */
  storeOutput(args: { artifactClass: ArtifactClass; projectId: string; jobId: string; n: number; fromFile: string }): Promise<StoredOutput>;
  /** A folder for downloads in flight, on the same volume as the stores. */
  tempDir(): string;
}

export interface BreakerView {
  provider: ProviderId;
  state: 'closed' | 'open' | 'half-open';
  reason: string | null;
  retryAt: number | null;
}

/** One admitted create call; settle it exactly once. */
export interface GatePermit {
  success(): void;
  failure(err: unknown): void;
  release(): void;
  /** Nothing was sent to the provider (the tier refused, or the intent did not commit): the request token goes back and the breaker's slot is released. */
  unused(): void;
}

/**
 * Provider pacing and health in one place: a token bucket per provider (the plan's rate limits), a
 * circuit breaker per provider (while open, jobs wait and keep their reservations) and adaptive
 * concurrency.
 */
export interface ProviderGate {
  /** Waits for a token; null when the breaker refuses (open, or its half-open trial is taken). */
  admit(provider: ProviderId, signal: AbortSignal): Promise<GatePermit | null>;
  recordQueueTime(provider: ProviderId, ms: number): void;
  recordLatency(provider: ProviderId, ms: number): void;
  recordRateLimited(provider: ProviderId): void;
  /** Tasks allowed in flight for this provider now. */
  concurrency(provider: ProviderId): number;
  /** The provider's own reported concurrency limit (null = unknown/unlimited): adaptive concurrency never goes above it. */
  setProviderLimit(provider: ProviderId, limit: number | null): void;
  view(): BreakerView[];
  /** True while the provider's breaker is open (not half-open): the queue leaves its jobs unclaimed, holding their reservations. */
  isHolding(provider: ProviderId): boolean;
}

/**
 * The provider's own balance as a check on money (money/providerSync.ts): read it when stale, and refuse
 * a job bigger than what the provider really has free. Optional: only a real provider with a key has one.
 */
export interface ProviderFunds {
  /** Reads the provider's balance unless the last reading is younger than maxAgeMs (0: read now). Never throws. */
  refresh(why: 'start' | 'submit' | 'settle', maxAgeMs?: number): Promise<unknown>;
  /** Throws INSUFFICIENT_CREDITS naming the pool when the provider's last reading cannot pay `credits` now. Runs inside the submit transaction. */
  check(provider: ProviderId, credits: number, q: Queryable): Promise<void>;
}

/** What the job runner works with (the queue builds it: JobQueue). */
export interface RunnerDeps {
  /** The database the queue's rows live in (SQLite's file, or a studio's PostgreSQL). */
  engine: SqlEngine;
  repo: JobRepo;
  attempts: AttemptLog;
  takes: TakeService;
  providers: ReadonlyMap<ProviderId, Provider>;
  money: QueueMoney;
  media: QueueMedia;
  vault: PromptVault;
  gate: ProviderGate;
  events: CoreEvents;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** Full-jitter backoff delay for the given retry number (1-based), honouring a provider's Retry-After. */
  backoff(provider: ProviderId, retry: number, retryAfterMs?: number): number;
  pollIntervalMs(provider: ProviderId): number;
  /** Runway's balance: read again after each settle (issue 13: the books mirror it). */
  funds?: ProviderFunds;
  /** The provider tier's limits for a model, shared by every worker through the database (sharedLimits.ts). */
  tierLimits(provider: ProviderId, model: string): Promise<Pick<AdmitRequest, 'perMinute' | 'burst' | 'maxConcurrent'> | null>;
  /** Takes the tier's limits in the intent transaction: shared through the database, or this process's own (sharedLimits). */
  admit: Admitter;
  /** Called after a take is stored (auto-check runs off the queue's slots). */
  onTakeStored(takeId: string): void;
  emitJob(jobId: string): void;
  /** A job gave its slot back to wait for the tier's limits: the next claim looks for jobs owning tasks in flight first. */
  onWaitingForTier?(): void;
  /**
   * The job's last write is queued (its run ends with that commit): the scheduler may claim the next job
   * now, in the same group commit, rather than one commit later.
   */
  onEnding?(jobId: string): void;
}

/** The runner's intent found a cancel asked for since the step's read: nothing was written or sent. */
export class CancelSeen extends Error {
  override name = 'CancelSeen';
}
