import type { Comparison, Estimate, Factor } from './estimateTypes';
import type { PlanConfig } from './planSchema';

/**
 * INTERFACE (others build on it — keep the name and shape):
 *   compare(a, b, plan): Comparison
 * Pure. `a` is the earlier (or "against") estimate, `b` the new one. The multiplier is b.credits /
 * a.credits; the factors are the ones whose value differs, each with the change it causes; the warning
 * is set when the multiplier reaches the plan's warnings.multiplier_factor (default 2), e.g.
 * "×8 — duration 5 → 10 ×2, variations 1 → 4 ×4".
 */
export function compare(a: Estimate, b: Estimate, plan: PlanConfig): Comparison {
  const multiplier = a.credits > 0 ? round4(b.credits / a.credits) : b.credits === 0 ? 1 : null;
  const byName = new Map<string, Factor>();
  for (const f of a.factors) byName.set(f.name, f);
  const seen = new Set<string>();
  const factors: Factor[] = [];
  const consider = (name: string, fa: Factor | undefined, fb: Factor | undefined) => {
    const from = fa ? fa.to : fb!.from;
    const to = fb ? fb.to : fa!.from;
    const ma = fa?.multiplier ?? 1;
    const mb = fb?.multiplier ?? 1;
    if (from === to && ma === mb) return;
    factors.push({ name, from, to, multiplier: round4(ma === 0 ? mb : mb / ma) });
  };
  for (const fb of b.factors) {
    seen.add(fb.name);
    consider(fb.name, byName.get(fb.name), fb);
  }
  for (const fa of a.factors) if (!seen.has(fa.name)) consider(fa.name, fa, undefined);

  const threshold = plan.warnings.multiplier_factor;
  let warning: string | null = null;
  const reasons = factors
    .filter((f) => f.multiplier !== 1)
    .map((f) => `${f.name} ${show(f.from)} → ${show(f.to)} ×${fmt(f.multiplier)}`)
    .join(', ');
  if (multiplier === null) warning = `from 0 to ${b.credits} credits${reasons ? ` — ${reasons}` : ''}`;
  else if (multiplier >= threshold) warning = `×${fmt(multiplier)}${reasons ? ` — ${reasons}` : ''}`;
  return { multiplier, factors, warning };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function show(v: Factor['from']): string {
  if (v === null) return '—';
  if (typeof v === 'number') return fmt(v);
  return String(v);
}
