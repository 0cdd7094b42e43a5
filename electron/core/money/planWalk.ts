import type { z } from 'zod';
import { PlanConfig } from '../../../shared/money/planSchema';
import { RateCard } from '../../../shared/money/rateCardSchema';
import type { Logger } from '../ports';
import { parseConfigText, type ConfigProblem } from './configFile';
import { configKeyId, type ConfigKey, type StoredConfigs } from './configVersions';
import { lineOfKey, type FileRead } from './planFiles';

export interface ConfigEntry<T> {
  name: string;
  file: string;
  source: 'builtin' | 'user';
  config: T;
}

/** Last good parse per file path (this run's memory): what stays in force when a file goes bad. */
export type GoodEntries = Map<string, ConfigEntry<PlanConfig> | ConfigEntry<RateCard>>;

export interface ConfigReads {
  rates: FileRead<RateCard>[];
  plans: FileRead<PlanConfig>[];
}

/** One pass over the files: what is in force, what is wrong, and what to store. */
export interface Walked {
  cards: Map<string, ConfigEntry<RateCard>>;
  plans: Map<string, ConfigEntry<PlanConfig>>;
  issues: ConfigProblem[];
  good: { key: ConfigKey; name: string; body: string }[];
  broken: { key: ConfigKey; issue: ConfigProblem; isKept: boolean }[];
}

/**
 * Decides what is in force: every file that reads well; for a broken one, the last good version this
 * run saw, else the one an earlier run stored (`stored`, null when memory only), else nothing. A plan
 * naming a rate card that is not in force is rejected. Pure apart from remembering good parses in `good`.
 */
export function walkConfigs(reads: ConfigReads, stored: StoredConfigs | null, good: GoodEntries, logger: Logger): Walked {
  const w: Walked = { cards: new Map(), plans: new Map(), issues: [], good: [], broken: [] };
  w.cards = walkKind(reads.rates, 'rates', RateCard, (c) => c.rate_card.name, { stored, good, logger, w });
  w.plans = walkKind(reads.plans, 'plans', PlanConfig, (p) => p.plan.name, { stored, good, logger, w });
  for (const [name, entry] of [...w.plans]) {
    if (!w.cards.has(entry.config.plan.rate_card)) {
      w.issues.push({
        file: entry.file,
        line: lineOfKey(entry.file, 'rate_card'),
        field: 'plan.rate_card',
        message: `names rate card "${entry.config.plan.rate_card}", which does not exist; known: ${[...w.cards.keys()].join(', ')}`,
      });
      w.plans.delete(name);
    }
  }
  return w;
}

/** Says of every broken file since when it is broken and which stored version stays in force (none: null). */
export function dateBreaks(w: Walked, stored: StoredConfigs, written: ReadonlyMap<string, string>, at: string): void {
  for (const b of w.broken) {
    const id = configKeyId(b.key);
    const kept = b.isKept ? stored.versions.get(id) : undefined;
    b.issue.since = stored.breaks.get(id) ?? written.get(id) ?? at;
    b.issue.inForce = kept ? { hash: kept.hash, savedAt: kept.savedAt } : null;
  }
}

interface WalkCtx {
  stored: StoredConfigs | null;
  good: GoodEntries;
  logger: Logger;
  w: Walked;
}

function walkKind<T>(reads: FileRead<T>[], sub: 'plans' | 'rates', schema: z.ZodType<T>, nameOf: (c: T) => string, ctx: WalkCtx): Map<string, ConfigEntry<T>> {
  const out = new Map<string, ConfigEntry<T>>();
  // Two files of one folder may not share a name; a user file may replace a built-in of the same name.
  const seenIn = new Map<string, Set<string>>();
  for (const r of reads) {
    let seen = seenIn.get(r.dir);
    if (!seen) seenIn.set(r.dir, (seen = new Set()));
    let entry: ConfigEntry<T> | undefined;
    if (r.parsed.ok) {
      const name = nameOf(r.parsed.value);
      if (seen.has(name)) {
        ctx.w.issues.push({ file: r.file, line: lineOfKey(r.file, 'name'), field: 'name', message: `another ${sub} file in ${r.dir} is already named "${name}"; rename one` });
        continue;
      }
      entry = { name, file: r.file, source: r.source, config: r.parsed.value };
      ctx.good.set(r.file, entry as never);
      ctx.w.good.push({ key: r.key, name, body: r.parsed.text });
    } else {
      entry = (ctx.good.get(r.file) as ConfigEntry<T> | undefined) ?? storedEntry(r, schema, nameOf, ctx);
      const issue: ConfigProblem = { ...r.parsed.problem };
      ctx.w.issues.push(issue);
      ctx.w.broken.push({ key: r.key, issue, isKept: entry !== undefined });
    }
    if (entry) {
      seen.add(entry.name);
      out.set(entry.name, entry);
    }
  }
  return out;
}

/** The version stored by an earlier run, when this run has never seen the file good. */
function storedEntry<T>(r: FileRead<T>, schema: z.ZodType<T>, nameOf: (c: T) => string, ctx: WalkCtx): ConfigEntry<T> | undefined {
  const v = ctx.stored?.versions.get(configKeyId(r.key));
  if (!v) return undefined;
  const parsed = parseConfigText(r.file, v.body, schema);
  if (!parsed.ok) {
    // Stored by a version of the app whose schema differed; nothing sound to keep.
    ctx.logger.log('warn', 'stored config version no longer validates; not kept in force', { file: r.file, hash: v.hash });
    return undefined;
  }
  const entry: ConfigEntry<T> = { name: nameOf(parsed.value), file: r.file, source: r.source, config: parsed.value };
  ctx.good.set(r.file, entry as never);
  return entry;
}
