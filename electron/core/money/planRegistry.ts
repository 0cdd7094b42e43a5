import { AppError } from '../../../shared/errors';
import { PlanConfig } from '../../../shared/money/planSchema';
import { RateCard } from '../../../shared/money/rateCardSchema';
import type { Clock, Logger } from '../ports';
import type { Queryable } from '../db/engine/sqlEngine';
import { formatProblem, type ConfigProblem } from './configFile';
import { changesFrom, type ConfigVersionStore } from './configVersions';
import { readConfigFiles } from './planFiles';
import { dateBreaks, walkConfigs, type ConfigEntry, type ConfigReads, type GoodEntries, type Walked } from './planWalk';

export type { ConfigEntry } from './planWalk';

/**
 * INTERFACE (others build on it — keep the names):
 *   new PlanRegistry({ builtinDir, dataDir, clock, logger, settings, versions? })   ready: Promise<void>
 *   active(): { plan, rateCard }   plan(name)   rateCard(name)   list()   await activate(name, { rates?, modelsInUse? })
 *   problems(): ConfigProblem[]    warnings(): StaleWarning[]    await reload()    await readChoice(q?)    dispose()
 *
 * Loads the built-in plan configs and rate cards (resources/plans, resources/rates) and the user's
 * (<dataDir>/plans, <dataDir>/rates; a user file with a built-in's name replaces it). Every file is
 * validated with zod; a bad file is rejected with file, line and field named (problems()), and the last
 * good config for that file stays in force. The active plan (and an optional rate-card override) is
 * remembered in the database, and so is the last good text of every file (versions): a file that is broken
 * when the app starts keeps that stored version in force, and its problem says since when it is broken.
 *
 * Reads stay synchronous (the estimator and the ledger's rules ask per call): the files are held in
 * memory, and so is the chosen plan, read again in the background when older than CHOICE_REFRESH_MS
 * and through the submit's transaction before every money check (MoneyService), so a switch made by
 * another process on the same database prices every submit after it.
 */
export interface StaleWarning {
  kind: 'plan' | 'rateCard';
  name: string;
  file: string;
  checkedAt: string;
  ageDays: number;
  message: string;
}

export interface SettingsStore {
  /** Through `q` inside a transaction. */
  get(key: string, q?: Queryable): Promise<string | null>;
  /** Every key in one transaction; null removes a key. */
  set(values: Readonly<Record<string, string | null>>): Promise<void>;
}

export interface PlanRegistryDeps {
  builtinDir: string;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  settings: SettingsStore;
  /** The last good version of every file, kept across restarts (ConfigVersions); memory only without it. */
  versions?: ConfigVersionStore;
}

const DAY_MS = 86_400_000;
const ACTIVE_PLAN = 'active_plan';
const ACTIVE_RATES = 'active_rates';
/** How old the chosen plan may grow before a synchronous reader refreshes it in the background (another process may switch). */
export const CHOICE_REFRESH_MS = 1000;

type Choice = { plan: string | null; rates: string | null };

export class PlanRegistry {
  /** Last good parse per file path: what stays in force when a file goes bad. */
  private readonly good: GoodEntries = new Map();
  private plans = new Map<string, ConfigEntry<PlanConfig>>();
  private cards = new Map<string, ConfigEntry<RateCard>>();
  private issues: ConfigProblem[] = [];
  /** The chosen plan and rate-card override as last read from (or written to) the settings. */
  private choice: Choice = { plan: null, rates: null };
  private choiceReadAt = -Infinity;
  /** Bumped by every change of `choice`: a read that started before one does not overwrite it. */
  private choiceGen = 0;
  private choosing: Promise<void> | null = null;
  private isDisposed = false;
  /** Why no plan is in force (every plan file broken, none stored): what every reader is answered. */
  private unusable: AppError | null = null;
  /**
   * Settles when the files have been compared with the stored versions and the chosen plan has been read.
   * Before that the registry answers from the files alone with the default plan; the ledger opens, the
   * queue runs and every call is answered only after it.
   */
  readonly ready: Promise<void>;

  constructor(private readonly d: PlanRegistryDeps) {
    const reads = this.readAll();
    try {
      this.apply(walkConfigs(reads, null, this.good, this.d.logger), false);
    } catch {
      // No usable plan in the files alone: a stored version may still be in force; `ready` says which.
    }
    this.ready = this.settle(reads).then(() => undefined);
    this.ready.catch(() => {}); // answered to every caller that awaits it
  }

  /** Re-reads every file and the chosen plan. Returns the problems found (also kept in problems()). */
  reload(): Promise<ConfigProblem[]> {
    return this.settle(this.readAll());
  }

  /** Reads the chosen plan and rate card again; inside a transaction through its `q`. */
  async readChoice(q?: Queryable): Promise<void> {
    const gen = this.choiceGen;
    const plan = await this.d.settings.get(ACTIVE_PLAN, q);
    const rates = await this.d.settings.get(ACTIVE_RATES, q);
    if (gen === this.choiceGen) this.setChoice({ plan, rates });
  }

  private readAll(): ConfigReads {
    return { rates: readConfigFiles(this.d, 'rates', RateCard), plans: readConfigFiles(this.d, 'plans', PlanConfig) };
  }

  /** The files as read, against what earlier runs stored: the last good version of a broken file stays in force. */
  private async settle(reads: ConfigReads): Promise<ConfigProblem[]> {
    const v = this.d.versions;
    const stored = v ? await v.read() : null;
    const w = walkConfigs(reads, stored, this.good, this.d.logger);
    if (v && stored) {
      const at = this.isoNow();
      dateBreaks(w, stored, await v.write(changesFrom(stored, w.good, w.broken.map((b) => b.key), at)), at);
    }
    this.apply(w, true);
    await this.readChoice();
    return [...w.issues];
  }

  /** Puts a walk in force: at least one plan must remain. */
  private apply(w: Walked, isSettled: boolean): void {
    if (w.plans.size === 0) {
      const e = new AppError('INTERNAL', `No usable plan config in ${this.d.builtinDir}/plans: ${w.issues.map(formatProblem).join('; ')}`);
      if (this.plans.size === 0) this.unusable = e;
      throw e;
    }
    this.unusable = null;
    this.plans = w.plans;
    this.cards = w.cards;
    this.issues = w.issues;
    if (isSettled) for (const p of w.issues) this.d.logger.log('warn', 'config file rejected; the last good version stays in force', { ...p });
  }

  problems(): ConfigProblem[] {
    return [...this.issues];
  }

  list(): { plans: ConfigEntry<PlanConfig>[]; rateCards: ConfigEntry<RateCard>[] } {
    const byName = <T>(m: Map<string, ConfigEntry<T>>) => [...m.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { plans: byName(this.plans), rateCards: byName(this.cards) };
  }

  plan(name: string): PlanConfig {
    const e = this.plans.get(name);
    if (!e) throw new AppError('NOT_FOUND', `No plan named "${name}". Known plans: ${[...this.plans.keys()].sort().join(', ')}`, { field: 'plan', name });
    return e.config;
  }

  rateCard(name: string): RateCard {
    const e = this.cards.get(name);
    if (!e) throw new AppError('NOT_FOUND', `No rate card named "${name}". Known rate cards: ${[...this.cards.keys()].sort().join(', ')}`, { field: 'rates', name });
    return e.config;
  }

  entry(kind: 'plan' | 'rateCard', name: string): ConfigEntry<PlanConfig> | ConfigEntry<RateCard> | undefined {
    return kind === 'plan' ? this.plans.get(name) : this.cards.get(name);
  }

  /** The plan in force and the rate card it prices with (the user's override, else the plan's own). */
  active(): { plan: PlanConfig; rateCard: RateCard } {
    if (this.d.clock.now() - this.choiceReadAt > CHOICE_REFRESH_MS) this.refreshChoice();
    const plan = this.plans.get(this.choice.plan ?? '')?.config ?? this.defaultPlan();
    const override = this.choice.rates;
    const card = (override ? this.cards.get(override) : undefined) ?? this.cards.get(plan.plan.rate_card)!;
    return { plan, rateCard: card.config };
  }

  /**
   * Makes a plan (and optionally a rate card) the active one. Refused, changing nothing, when the rate
   * card lacks a model in use (modelsInUse: models of the projects' jobs).
   */
  async activate(name: string, opts: { rates?: string | null; modelsInUse?: string[] } = {}): Promise<{ plan: PlanConfig; rateCard: RateCard }> {
    await this.ready;
    const plan = this.plan(name);
    const cardName = opts.rates ?? plan.plan.rate_card;
    const card = this.rateCard(cardName);
    const missing = (opts.modelsInUse ?? []).filter((m) => !Object.prototype.hasOwnProperty.call(card.models, m));
    if (missing.length > 0) {
      throw new AppError(
        'VALIDATION',
        `rates: rate card ${cardName} has no price for ${missing.join(', ')}, used by your projects; add ${missing.length > 1 ? 'them' : 'it'} to the card or pick another card`,
        { field: 'rates', missing },
      );
    }
    const choice = { plan: name, rates: opts.rates ?? null };
    await this.d.settings.set({ [ACTIVE_PLAN]: choice.plan, [ACTIVE_RATES]: choice.rates });
    this.setChoice(choice);
    return this.active();
  }

  /** Configs whose checked_at is older than the active plan's warnings.stale_after_days (default plan's when none). */
  warnings(): StaleWarning[] {
    const { plan } = this.active();
    const maxDays = plan.warnings.stale_after_days;
    const now = this.d.clock.now();
    const out: StaleWarning[] = [];
    const check = (kind: StaleWarning['kind'], e: ConfigEntry<PlanConfig> | ConfigEntry<RateCard>, checkedAt: string) => {
      const ageDays = Math.floor((now - Date.parse(`${checkedAt}T00:00:00Z`)) / DAY_MS);
      if (ageDays > maxDays) {
        out.push({
          kind,
          name: e.name,
          file: e.file,
          checkedAt,
          ageDays,
          message: `${kind === 'plan' ? 'Plan' : 'Rate card'} ${e.name} was last checked ${checkedAt} (${ageDays} days ago, more than ${maxDays}): re-check its numbers against the provider and update checked_at.`,
        });
      }
    };
    for (const e of this.plans.values()) check('plan', e, e.config.plan.checked_at);
    for (const e of this.cards.values()) check('rateCard', e, e.config.rate_card.checked_at);
    return out;
  }

  dispose(): void {
    this.isDisposed = true;
    this.good.clear();
  }

  private setChoice(c: Choice): void {
    this.choice = c;
    this.choiceGen++;
    this.choiceReadAt = this.d.clock.now();
  }

  /** In the background, one read at a time; a failed read keeps the old choice until the next interval. */
  private refreshChoice(): void {
    if (this.choosing || this.isDisposed) return;
    this.choosing = this.readChoice()
      .catch(() => {
        this.choiceReadAt = this.d.clock.now();
      })
      .finally(() => (this.choosing = null));
  }

  private defaultPlan(): PlanConfig {
    if (this.plans.size === 0) throw this.unusable ?? new AppError('INTERNAL', 'No plan config has been read yet.');
    const all = [...this.plans.values()];
    const chosen = all.find((e) => e.source === 'builtin' && e.config.plan.default) ?? all.sort((a, b) => a.name.localeCompare(b.name))[0]!;
    return chosen.config;
  }

  private isoNow(): string {
    return new Date(this.d.clock.now()).toISOString();
  }
}
