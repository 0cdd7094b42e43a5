import { z } from 'zod';

/**
 * Surfaces and pools: where credits live.
 *
 * A *surface* is where a job runs and is paid: the web app plan (`web`), an API organization (`api`),
 * a reseller platform's own credits charged on top of the provider (`platform`), or the local
 * simulator (`local`, simulated credits only). Balances never move between surfaces.
 *
 * A *pool* is one balance on a surface with its own rules, named `<surface>:<kind>`:
 * - `allowance` — the plan's credits per cycle; expires at the cycle end, never rolls over;
 * - `grant`     — one-time grants (e.g. Free's 125); never expire;
 * - `purchased` — bought credits; never expire.
 * A job draws from its surface's pools in DRAW_ORDER (soonest-expiring first: allowance, then grant,
 * then purchased).
 */
export const Surface = z.enum(['web', 'api', 'platform', 'local']);
export type Surface = z.infer<typeof Surface>;
export const SURFACES: readonly Surface[] = Surface.options;

export const PoolKind = z.enum(['allowance', 'grant', 'purchased']);
export type PoolKind = z.infer<typeof PoolKind>;

/** The order a reservation drains a surface's pools in. */
export const DRAW_ORDER: readonly PoolKind[] = ['allowance', 'grant', 'purchased'];

export type PoolId = `${Surface}:${PoolKind}`;
export const POOL_IDS: readonly PoolId[] = SURFACES.flatMap((s) => DRAW_ORDER.map((k) => `${s}:${k}` as PoolId));

export const PoolIdSchema = z.custom<PoolId>((v) => typeof v === 'string' && (POOL_IDS as readonly string[]).includes(v), {
  message: `must be a pool: one of ${POOL_IDS.join(', ')}`,
});

export const poolId = (surface: Surface, kind: PoolKind): PoolId => `${surface}:${kind}`;

/** Every pool id's parts (all surfaces × all kinds: DRAW_ORDER lists every kind). */
const POOL_PARTS = new Map<string, { surface: Surface; kind: PoolKind }>(SURFACES.flatMap((surface) => DRAW_ORDER.map((kind) => [`${surface}:${kind}`, { surface, kind }] as const)));

/** A pool id's surface and kind; null for anything that is not exactly `<surface>:<kind>`. (Read several times a job: a lookup, no parse.) */
export function parsePoolId(id: string): { surface: Surface; kind: PoolKind } | null {
  const parts = POOL_PARTS.get(id);
  return parts ? { ...parts } : null;
}

/** Human names for surfaces, used in refusals ("API credits", "web plan credits"). */
export const SURFACE_LABEL: Record<Surface, string> = {
  web: 'web plan credits',
  api: 'API credits',
  platform: 'platform credits',
  local: 'simulated credits',
};

/**
 * Bounds on credit amounts, so every figure the books hold or add up stays an exact integer (below 2^53):
 * - one operation (a grant, purchase, adjustment, reservation, capture, refund, budget) moves at most
 *   MAX_CREDITS_PER_OP = 10^12 credits ($10 billion at the API's $0.01 a credit);
 * - all credits ever issued into the books (grants, purchases, allowances, positive adjustments, net of
 *   negative ones) stay at most MAX_CREDITS_TOTAL = 10^15, checked before a write.
 * An amount outside them is refused as VALIDATION before anything is written.
 */
export const MAX_CREDITS_PER_OP = 1_000_000_000_000;
export const MAX_CREDITS_TOTAL = 1_000_000_000_000_000;
const perOp = `must be at most ${MAX_CREDITS_PER_OP.toLocaleString('en-US')} (10^12) credits in one operation`;

/** Integer credits, never negative, at most 10^12 in one operation: the only amount type money code accepts. */
export const Credits = z.number().int('must be a whole number of credits').min(0, 'must not be negative').max(MAX_CREDITS_PER_OP, perOp);
export const PositiveCredits = z.number().int('must be a whole number of credits').positive('must be more than 0').max(MAX_CREDITS_PER_OP, perOp);
/** A signed amount (an adjustment): a whole number, not 0, at most 10^12 either way. */
export const SignedCredits = z
  .number()
  .int('must be a whole number of credits')
  .min(-MAX_CREDITS_PER_OP, perOp)
  .max(MAX_CREDITS_PER_OP, perOp)
  .refine((n) => n !== 0, 'must not be 0');
