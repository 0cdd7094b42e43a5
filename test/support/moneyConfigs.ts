import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EstimateParams, type EstimateParamsInput } from '../../shared/money/params';
import { PlanConfig } from '../../shared/money/planSchema';
import { RateCard } from '../../shared/money/rateCardSchema';

/** The shipped plan configs and rate cards, parsed, for tests of the pure money code. */
const resources = join(import.meta.dirname, '..', '..', 'resources');

export function shippedPlan(name: string): PlanConfig {
  return PlanConfig.parse(parse(readFileSync(join(resources, 'plans', `${name}.yaml`), 'utf8')));
}

export function shippedCard(name: string): RateCard {
  return RateCard.parse(parse(readFileSync(join(resources, 'rates', `${name}.yaml`), 'utf8')));
}

/** A deep copy with a patch merged in (objects merge, everything else replaces). */
export function patched<T>(base: T, patch: DeepPartial<T>): T {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b && typeof b === 'object' && !Array.isArray(b) && a && typeof a === 'object' && !Array.isArray(a)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
      return out;
    }
    return b === undefined ? structuredClone(a) : structuredClone(b);
  };
  return merge(base, patch) as T;
}

export type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Parsed estimate params (defaults applied). */
export const params = (p: EstimateParamsInput) => EstimateParams.parse(p);
