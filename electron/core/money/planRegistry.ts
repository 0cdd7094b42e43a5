import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { PlanConfig } from '../../../shared/money/planSchema';
import { RateCard } from '../../../shared/money/rateCardSchema';
import type { Clock, Logger } from '../ports';
import { formatProblem, parseConfigText, type ConfigProblem } from './configFile';
import type { ConfigKey, ConfigVersionStore } from './configVersions';

/**
 * INTERFACE (others build on it — keep the names):
 *   new PlanRegistry({ builtinDir, dataDir, clock, logger, settings })
 *   active(): { plan, rateCard }   plan(name)   rateCard(name)   list()   activate(name, { rates?, modelsInUse? })
 *   problems(): ConfigProblem[]    warnings(): StaleWarning[]    reload()    dispose()
 *
 * Loads the built-in plan configs and rate cards (resources/plans, resources/rates) and the user's
 * (<dataDir>/plans, <dataDir>/rates; a user file with a built-in's name replaces it). Every file is
 * validated with zod; a bad file is rejected with file, line and field named (problems()), and the last
 * good config for that file stays in force. The active plan (and an optional rate-card override) is
 * remembered in the database, and so is the last good text of every file (versions): a file that is broken
 * when the app starts keeps that stored version in force, and its problem says since when it is broken.
 */
export interface ConfigEntry<T> {
  name: string;
  file: string;
  source: 'builtin' | 'user';
  config: T;
}

export interface StaleWarning {
  kind: 'plan' | 'rateCard';
  name: string;
  file: string;
  checkedAt: string;
  ageDays: number;
  message: string;
}

export interface SettingsStore {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
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

export class PlanRegistry {
  /** Last good parse per file path: what stays in force when a file goes bad. */
  private readonly good = new Map<string, ConfigEntry<PlanConfig> | ConfigEntry<RateCard>>();
  private plans = new Map<string, ConfigEntry<PlanConfig>>();
  private cards = new Map<string, ConfigEntry<RateCard>>();
  private issues: ConfigProblem[] = [];

  constructor(private readonly d: PlanRegistryDeps) {
    this.reload();
  }

  /** Re-reads every file. Returns the problems found (also kept in problems()). */
  reload(): ConfigProblem[] {
    return this.d.versions ? this.d.versions.inOneCommit(() => this.load()) : this.load();
  }

  private load(): ConfigProblem[] {
    const issues: ConfigProblem[] = [];
    const cards = this.loadKind<RateCard>('rates', RateCard, (c) => c.rate_card.name, issues);
    const plans = this.loadKind<PlanConfig>('plans', PlanConfig, (p) => p.plan.name, issues);
    for (const [name, entry] of [...plans]) {
      if (!cards.has(entry.config.plan.rate_card)) {
        issues.push({
          file: this.show(entry.file),
          line: lineOfKey(entry.file, 'rate_card'),
          field: 'plan.rate_card',
          message: `names rate card "${entry.config.plan.rate_card}", which does not exist; known: ${[...cards.keys()].join(', ')}`,
        });
        plans.delete(name);
      }
    }
    if (plans.size === 0) throw new AppError('INTERNAL', `No usable plan config in ${this.d.builtinDir}/plans: ${issues.map(formatProblem).join('; ')}`);
    this.plans = plans;
    this.cards = cards;
    this.issues = issues;
    for (const p of issues) this.d.logger.log('warn', 'config file rejected; the last good version stays in force', { ...p });
    return issues;
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
    const plan = this.plans.get(this.d.settings.get('active_plan') ?? '')?.config ?? this.defaultPlan();
    const override = this.d.settings.get('active_rates');
    const card = (override ? this.cards.get(override) : undefined) ?? this.cards.get(plan.plan.rate_card)!;
    return { plan, rateCard: card.config };
  }

  /**
   * Makes a plan (and optionally a rate card) the active one. Refused, changing nothing, when the rate
   * card lacks a model in use (modelsInUse: models of the projects' jobs).
   */
  activate(name: string, opts: { rates?: string | null; modelsInUse?: string[] } = {}): { plan: PlanConfig; rateCard: RateCard } {
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
    this.d.settings.set('active_plan', name);
    this.d.settings.set('active_rates', opts.rates ?? null);
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
          file: this.show(e.file),
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
    this.good.clear();
  }

  private defaultPlan(): PlanConfig {
    const all = [...this.plans.values()];
    const chosen = all.find((e) => e.source === 'builtin' && e.config.plan.default) ?? all.sort((a, b) => a.name.localeCompare(b.name))[0]!;
    return chosen.config;
  }

  private loadKind<T>(sub: 'plans' | 'rates', schema: z.ZodType<T>, nameOf: (c: T) => string, issues: ConfigProblem[]): Map<string, ConfigEntry<T>> {
    const out = new Map<string, ConfigEntry<T>>();
    for (const [source, dir] of [
      ['builtin', join(this.d.builtinDir, sub)],
      ['user', join(this.d.dataDir, sub)],
    ] as const) {
      if (!existsSync(dir)) continue;
      const files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/i.test(f))
        .sort();
      const seen = new Set<string>();
      for (const f of files) {
        const file = join(dir, f);
        const key: ConfigKey = { kind: sub === 'plans' ? 'plan' : 'rateCard', source, fileName: f };
        const parsed = this.readFile(file, schema);
        let entry: ConfigEntry<T> | undefined;
        if (parsed.ok) {
          const name = nameOf(parsed.value);
          if (seen.has(name)) {
            issues.push({ file: this.show(file), line: lineOfKey(file, 'name'), field: 'name', message: `another ${sub} file in ${dir} is already named "${name}"; rename one` });
            continue;
          }
          entry = { name, file, source, config: parsed.value };
          this.good.set(file, entry as never);
          this.d.versions?.saveGood(key, name, parsed.text, this.isoNow());
        } else {
          entry = (this.good.get(file) as ConfigEntry<T> | undefined) ?? this.stored(key, file, source, schema, nameOf);
          const since = this.d.versions?.markBroken(key, this.isoNow());
          const kept = entry ? this.d.versions?.lastGood(key) : null;
          issues.push({ ...parsed.problem, ...(since ? { since, inForce: kept ? { hash: kept.hash, savedAt: kept.savedAt } : null } : {}) });
        }
        if (entry) {
          seen.add(entry.name);
          out.set(entry.name, entry);
        }
      }
    }
    return out;
  }

  private readFile<T>(file: string, schema: z.ZodType<T>): { ok: true; value: T; text: string } | { ok: false; problem: ConfigProblem } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { ok: false, problem: { file: this.show(file), line: 1, field: '(file)', message: `cannot be read: ${(e as Error).message}` } };
    }
    const parsed = parseConfigText(this.show(file), text, schema);
    return parsed.ok ? { ok: true, value: parsed.value, text } : parsed;
  }

  /** The version stored by an earlier run, when this run has never seen the file good. */
  private stored<T>(key: ConfigKey, file: string, source: 'builtin' | 'user', schema: z.ZodType<T>, nameOf: (c: T) => string): ConfigEntry<T> | undefined {
    const v = this.d.versions?.lastGood(key);
    if (!v) return undefined;
    const parsed = parseConfigText(this.show(file), v.body, schema);
    if (!parsed.ok) {
      // Stored by a version of the app whose schema differed; nothing sound to keep.
      this.d.logger.log('warn', 'stored config version no longer validates; not kept in force', { file: this.show(file), hash: v.hash });
      return undefined;
    }
    const entry: ConfigEntry<T> = { name: nameOf(parsed.value), file, source, config: parsed.value };
    this.good.set(file, entry as never);
    return entry;
  }

  private isoNow(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  /** Paths in messages are absolute: the user may have several data dirs. */
  private show(file: string): string {
    return file;
  }
}

function lineOfKey(file: string, key: string): number {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*:`).test(l));
    return i >= 0 ? i + 1 : 1;
  } catch {
    // Only used to point at a line in a message; the file was readable a moment ago.
    return 1;
  }
}
