import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { Balances as BalancesSchema, type AdjustRequest, type Balances, type GrantRequest, type PurchaseRequest } from '../../../shared/money/ledgerTypes';
import { MAX_CREDITS_TOTAL, parsePoolId, poolId } from '../../../shared/money/pools';
import type { LedgerCtx } from './ledgerContext';
import { syncCycles } from './ledgerCycles';
import { insufficientCredits } from './ledgerErrors';
import { SYS } from './ledgerRepo';
import { configuredPools, readBalances } from './ledgerViews';

/**
 * Credits entering (or, by adjustment, leaving) the books from sys:issuance: grants, purchases and
 * corrections. Each runs inside the ledger's write transaction, keyed by the request's idempotency id,
 * and answers the balances after it.
 */

export async function grantCredits(c: LedgerCtx, req: z.output<typeof GrantRequest>): Promise<Balances> {
  const { surface, kind } = parsePoolId(req.pool)!;
  const request = { pool: req.pool, credits: req.credits, reason: req.reason ?? null };
  if (await c.books.existing(req.id, 'grant', request)) return balancesAfterWrite(c);
  await withinIssueBound(c, req.pool, req.credits);
  const t = c.now();
  const account = await c.books.poolAccount(c.plan(), surface, kind, t);
  await c.books.insertOp(req.id, 'grant', request, { account }, t, { reason: req.reason ?? null });
  await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
  c.note('grant', req.id);
  return balancesAfterWrite(c);
}

/** Bought credits (never expire): refused on plans that cannot buy, and below the plan's minimum. */
export async function purchaseCredits(c: LedgerCtx, req: z.output<typeof PurchaseRequest>): Promise<Balances> {
  const plan = c.plan();
  const rules = plan.pools[req.surface];
  const request = { surface: req.surface, credits: req.credits, reason: req.reason ?? null };
  if (await c.books.existing(req.id, 'purchase', request)) return balancesAfterWrite(c);
  if (!rules?.purchase.allowed) {
    throw new AppError('POLICY_REFUSED', `Plan ${plan.plan.name} cannot buy ${req.surface} credits. Ways out: switch to a plan that allows purchases, or use another surface.`, {
      rule: `pools.${req.surface}.purchase.allowed`,
      pool: poolId(req.surface, 'purchased'),
    });
  }
  const min = rules.purchase.min_credits ?? 1;
  if (req.credits < min) {
    throw new AppError('VALIDATION', `credits: a purchase on plan ${plan.plan.name} must be at least ${min} credits (got ${req.credits})`, { field: 'credits', min });
  }
  const usd = rules.usd_per_credit;
  if (rules.purchase.max_usd !== undefined && usd != null && req.credits * usd > rules.purchase.max_usd) {
    throw new AppError('VALIDATION', `credits: in-app purchases on plan ${plan.plan.name} stop at $${rules.purchase.max_usd}; buy more through sales`, { field: 'credits' });
  }
  await withinIssueBound(c, poolId(req.surface, 'purchased'), req.credits);
  const t = c.now();
  const account = await c.books.poolAccount(plan, req.surface, 'purchased', t);
  await c.books.insertOp(req.id, 'purchase', request, { account }, t, { reason: req.reason ?? null });
  await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
  c.note('purchase', req.id);
  return balancesAfterWrite(c);
}

/** A correction with a reason: adds credits, or removes available ones (never below zero). */
export async function adjustCredits(c: LedgerCtx, req: z.output<typeof AdjustRequest>): Promise<Balances> {
  const { surface, kind } = parsePoolId(req.pool)!;
  const request = { pool: req.pool, credits: req.credits, reason: req.reason };
  if (await c.books.existing(req.id, 'adjust', request)) return balancesAfterWrite(c);
  if (req.credits > 0) await withinIssueBound(c, req.pool, req.credits);
  const t = c.now();
  const account = await c.books.poolAccount(c.plan(), surface, kind, t);
  const has = (await c.books.snapshot([surface]))[req.pool] ?? 0;
  if (req.credits < 0 && -req.credits > has) {
    throw insufficientCredits(c.plan(), [{ surface, pool: req.pool, needed: -req.credits, available: has, shortfall: -req.credits - has, byPool: { [req.pool]: has } }], t.ms);
  }
  await c.books.insertOp(req.id, 'adjust', request, { account }, t, { reason: req.reason });
  if (req.credits > 0) await c.books.transfer(`${req.id}#0`, req.id, SYS.issuance, account, req.credits, t);
  else await c.books.transfer(`${req.id}#0`, req.id, account, SYS.issuance, -req.credits, t);
  c.note('adjust', req.id);
  return balancesAfterWrite(c);
}

/**
 * A write's answer, read and validated inside its transaction: a figure the contract could not carry
 * rolls the write back (INTERNAL) instead of committing books that every later read would fail on.
 */
export async function balancesAfterWrite(c: LedgerCtx): Promise<Balances> {
  const t = c.now();
  if (await c.s.dueAllowances.get({ today: t.day })) await syncCycles(c, t);
  const b = await readBalances(c.s, configuredPools(c.plan()), t.iso);
  const r = BalancesSchema.safeParse(b);
  if (!r.success) throw new AppError('INTERNAL', 'ledger: the balances after this write are out of bounds; nothing was written', { issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  return b;
}

/** All credits ever brought into the books (net) stay within MAX_CREDITS_TOTAL, so every total is an exact integer. */
async function withinIssueBound(c: LedgerCtx, pool: string, credits: number): Promise<void> {
  // Credits enter the books from sys:issuance (grants, purchases, allowances) and sys:provider (a provider's balance mirrored).
  let issued = 0;
  for (const id of [SYS.issuance, SYS.provider]) {
    const a = await c.s.account.get({ id });
    issued += a ? a.debits_posted - a.credits_posted : 0;
  }
  if (issued + credits > MAX_CREDITS_TOTAL) {
    throw new AppError(
      'VALIDATION',
      `credits: ${credits.toLocaleString('en-US')} more credits into ${pool} would put ${(issued + credits).toLocaleString('en-US')} in the books, above the ${MAX_CREDITS_TOTAL.toLocaleString('en-US')} (10^15) they can hold exactly`,
      { field: 'credits', pool, issued, max: MAX_CREDITS_TOTAL },
    );
  }
}
