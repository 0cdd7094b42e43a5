import type { Queryable } from '../db/engine/sqlEngine';
import { AppError } from '../../../shared/errors';
import { dayOf } from '../../../shared/money/cycles';
import type { PlanConfig } from '../../../shared/money/planSchema';
import { ProviderComparison, UsageCheck, type ProviderReadReason, type UsageMismatch } from '../../../shared/money/providerBooks';
import type { Clock, Logger } from '../ports';
import type { AccountInfo } from '../providers/provider';
import type { CreditLedger } from './creditLedger';
import type { SettingsStore } from './planRegistry';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { providerBooksRepo as repo } from './providerBooksRepo';

/** What ProviderSync reads from Runway (RunwayProvider.account and .usage, over the SDK). */
export interface ProviderBooksSource {
  account(signal: AbortSignal): Promise<AccountInfo>;
  usage(range: { startDate?: string; beforeDate?: string }, signal: AbortSignal): Promise<{ results: { date: string; usedCredits: { model: string; amount: number }[] }[] }>;
}

export interface ProviderSyncDeps {
  ledger: CreditLedger;
  /** Where the books and the queue's tasks are read (providerBooksRepo). */
  engine: SqlEngine;
  settings: SettingsStore;
  source: ProviderBooksSource;
  /** True when a Runway key is set (no key: nothing to read, nothing to compare). */
  hasKey(): Promise<boolean>;
  plan(): PlanConfig;
  clock: Clock;
  logger: Logger;
}

const PROVIDER = 'runway';
const POOL = 'api:purchased';
const KEY = { comparison: 'provider:runway:comparison', usage: 'provider:runway:usage' } as const;
/** A reading older than this is refreshed before a submit. */
export const READING_MAX_AGE_MS = 60_000;
const DAY_MS = 24 * 3600_000;

/**
 * Runway's balance is the API pool's truth (issue 13, item 1). Reads GET /v1/organization at start,
 * before a submit when the last reading is older than a minute, and after each settle; compares it with
 * the books and, when the reading is conclusive (none of this app's tasks in flight at Runway, no entry
 * written while it was read), mirrors the difference into the books as a provider_sync op. A submit
 * bigger than the last reading minus what this app holds reserved is refused before anything is
 * written. The daily usage endpoint is reconciled per model and day for `ledger audit`.
 */
export class ProviderSync {
  private reading: Promise<ProviderComparison | null> | null = null;
  private lastTryAt = 0;
  private readonly inflight = new Set<AbortController>();
  private isDisposed = false;

  constructor(private readonly d: ProviderSyncDeps) {}

  /** The last comparison, or null before the first reading; inside a transaction through its `q`. */
  comparison(q?: Queryable): Promise<ProviderComparison | null> {
    return this.load(KEY.comparison, ProviderComparison, q);
  }

  /** The last usage reconciliation, or null. */
  usageCheck(): Promise<UsageCheck | null> {
    return this.load(KEY.usage, UsageCheck);
  }

  /** Reads Runway unless the last reading (or failed try) is younger than maxAgeMs. Never throws: a failure is logged and the last reading stands. */
  async refresh(why: ProviderReadReason, maxAgeMs = READING_MAX_AGE_MS): Promise<ProviderComparison | null> {
    const last = await this.comparison();
    const now = this.d.clock.now();
    if (maxAgeMs > 0 && ((last && now - Date.parse(last.readAt) < maxAgeMs) || now - this.lastTryAt < maxAgeMs)) return last;
    this.reading ??= this.read(why).finally(() => (this.reading = null));
    return this.reading;
  }

  /**
   * Refuses (INSUFFICIENT_CREDITS, naming the pool) a Runway job bigger than the provider's last reading
   * minus what this app holds reserved on the API pools. Runs inside the submit transaction `q`.
   */
  async check(provider: string, credits: number, q?: Queryable): Promise<void> {
    if (provider !== PROVIDER || credits <= 0) return;
    const last = await this.comparison(q);
    if (!last) return;
    const held = (await this.d.ledger.balances(q)).surfaces.find((s) => s.surface === 'api')?.reserved ?? 0;
    const available = last.providerCredits - held;
    if (credits <= available) return;
    const waysOut = ['buy API credits at Runway (dev.runwayml.com)', 'a cheaper model', 'a shorter clip', 'wait for jobs in flight to settle'];
    throw new AppError(
      'INSUFFICIENT_CREDITS',
      `Not enough credits in ${POOL}: Runway's balance is ${last.providerCredits} (read ${last.readAt}) and this app holds ${held} reserved, so ${Math.max(0, available)} are free; this job needs ${credits}. Ways out: ${waysOut.join('; ')}.`,
      { rule: 'provider_balance', pool: POOL, provider: PROVIDER, needed: credits, available: Math.max(0, available), providerCredits: last.providerCredits, reserved: held, readAt: last.readAt, shortfall: credits - Math.max(0, available), waysOut },
    );
  }

  /** Compares Runway's usage per model and UTC day over the last `days` with the books' charges. Never throws. */
  async reconcileUsage(days = 30): Promise<UsageCheck | null> {
    if (this.isDisposed || !(await this.d.hasKey())) return null;
    const now = this.d.clock.now();
    const startDate = dayOf(now - (days - 1) * DAY_MS);
    const beforeDate = dayOf(now + DAY_MS);
    const base = { provider: PROVIDER, checkedAt: new Date(now).toISOString(), startDate, beforeDate } as const;
    let check: UsageCheck;
    try {
      const usage = await this.withSignal(15_000, (s) => this.d.source.usage({ startDate, beforeDate }, s));
      check = { ...base, ...compareUsage(usage.results, await repo.chargedByDayModel(this.d.engine, PROVIDER, startDate, beforeDate)), error: null };
    } catch (e) {
      this.d.logger.log('warn', 'could not read Runway usage', { error: (e as Error).message });
      check = { ...base, compared: 0, mismatches: [], error: `Could not read Runway's usage: ${(e as Error).message}` };
    }
    await this.d.settings.set({ [KEY.usage]: JSON.stringify(check) });
    return check;
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    for (const c of this.inflight) c.abort();
    await this.reading?.catch(() => undefined);
  }

  private async read(why: ProviderReadReason): Promise<ProviderComparison | null> {
    if (this.isDisposed || !(await this.d.hasKey())) return this.comparison();
    this.lastTryAt = this.d.clock.now();
    const quietBefore = (await repo.inFlight(this.d.engine, PROVIDER)).tasks === 0;
    const since = await this.d.ledger.lastEntry();
    let credits: number | null;
    try {
      credits = (await this.withSignal(why === 'start' || why === 'settle' ? 15_000 : 5_000, (s) => this.d.source.account(s))).creditBalance;
    } catch (e) {
      this.d.logger.log('warn', 'could not read the Runway balance', { why, error: (e as Error).message });
      return this.comparison();
    }
    if (credits === null || !Number.isInteger(credits) || this.isDisposed) return this.comparison();
    const readAt = new Date(this.lastTryAt).toISOString();
    const postedBefore = await this.posted();
    const isApiPlan = this.d.plan().plan.surface === 'api';
    let mirrored = 0;
    let mirroredOutstanding = 0;
    if (isApiPlan && quietBefore) {
      try {
        const m = await this.d.ledger.providerSync({ id: `provider_sync:runway:${readAt}:${credits}`, provider: PROVIDER, surface: 'api', credits, readAt }, { sinceEntry: since, isQuiet: async (q) => (await repo.inFlight(q, PROVIDER)).tasks === 0 });
        // A replayed reading moved nothing now (its entry was written by the first).
        mirrored = m && !m.replayed ? m.mirrored : 0;
        mirroredOutstanding = m && !m.replayed ? m.outstanding : 0;
      } catch (e) {
        this.d.logger.log('error', 'could not mirror the Runway balance into the books', { error: (e as Error).message });
      }
    }
    const flight = await repo.inFlight(this.d.engine, PROVIDER);
    const drift = credits - (postedBefore - flight.credits);
    const outstanding = drift - mirrored;
    const c: ProviderComparison = {
      provider: PROVIDER,
      pool: POOL,
      providerCredits: credits,
      booksCredits: (await this.posted()) - flight.credits,
      heldAtProvider: flight.credits,
      drift,
      mirrored,
      outstanding,
      explanation: explain({ drift, mirrored, outstanding, reservationsHold: mirroredOutstanding !== 0, tasks: flight.tasks, unknown: flight.unknown, isApiPlan, surface: this.d.plan().plan.surface }),
      why,
      readAt,
      comparedAt: new Date(this.d.clock.now()).toISOString(),
    };
    await this.d.settings.set({ [KEY.comparison]: JSON.stringify(c) });
    if (drift !== 0) this.d.logger.log('info', 'Runway balance compared with the books', { why, providerCredits: credits, drift, mirrored, outstanding });
    return c;
  }

  private async posted(): Promise<number> {
    return (await this.d.ledger.balances()).surfaces.find((s) => s.surface === 'api')?.posted ?? 0;
  }

  private async withSignal<T>(timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const c = new AbortController();
    const timer = setTimeout(() => c.abort(), timeoutMs);
    this.inflight.add(c);
    try {
      return await fn(c.signal);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(c);
    }
  }

  private async load<T>(key: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, q?: Queryable): Promise<T | null> {
    const raw = await this.d.settings.get(key, q);
    if (!raw) return null;
    try {
      const r = schema.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }
}

function explain(o: { drift: number; mirrored: number; outstanding: number; reservationsHold: boolean; tasks: number; unknown: number; isApiPlan: boolean; surface: string }): string {
  if (o.drift === 0) return 'in step with Runway';
  const what =
    o.drift < 0
      ? `spent elsewhere: ${-o.drift} credits left Runway's balance outside this app (another app or person using the organization${o.unknown > 0 ? `, or ${o.unknown} task${o.unknown === 1 ? '' : 's'} whose create outcome is unknown` : ''})`
      : `added at Runway: ${o.drift} credits more than the books (bought or refunded there)`;
  if (o.outstanding === 0) return `${what}; mirrored into the books`;
  const why = !o.isApiPlan
    ? `the active plan charges ${o.surface} credits, so the API balance is shown, not mirrored`
    : o.reservationsHold
      ? `${o.mirrored === 0 ? 'not mirrored' : `${Math.abs(o.mirrored)} mirrored`}: reservations hold the rest (jobs that will fail at Runway if it stays short)`
      : o.tasks > 0
        ? `not mirrored while ${o.tasks} task${o.tasks === 1 ? ' is' : 's are'} in flight; the next quiet reading mirrors it`
        : 'not mirrored: the books changed while Runway was read; the next reading mirrors it';
  return `${what}; ${why}`;
}

/** Runway's usage against the books' charges, per UTC day and model; every pair that differs is a mismatch. */
export function compareUsage(
  results: { date: string; usedCredits: { model: string; amount: number }[] }[],
  books: { day: string; model: string; credits: number }[],
): { compared: number; mismatches: UsageMismatch[] } {
  const pairs = new Map<string, { date: string; model: string; providerCredits: number; booksCredits: number }>();
  const at = (date: string, model: string) => {
    const k = `${date}\u0000${model}`;
    let p = pairs.get(k);
    if (!p) pairs.set(k, (p = { date, model, providerCredits: 0, booksCredits: 0 }));
    return p;
  };
  for (const r of results) for (const u of r.usedCredits) at(r.date, u.model).providerCredits += Math.round(u.amount);
  for (const b of books) at(b.day, b.model).booksCredits += b.credits;
  const mismatches: UsageMismatch[] = [];
  for (const p of [...pairs.values()].sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model))) {
    const d = p.providerCredits - p.booksCredits;
    if (d === 0) continue;
    const explanation =
      d > 0
        ? `Runway used ${d} more credits on ${p.model} that day than this app charged: spent elsewhere (another app or person using the organization), or a task this app does not know it made`
        : `this app charged ${-d} more credits on ${p.model} that day than Runway used: a refund Runway made after settlement, or a charge recorded on the next UTC day`;
    mismatches.push({ ...p, explanation });
  }
  return { compared: pairs.size, mismatches };
}
