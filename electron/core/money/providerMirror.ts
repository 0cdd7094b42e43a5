import type { Surface } from '../../../shared/money/pools';
import { drain } from './drawPlan';
import type { LedgerCtx } from './ledgerContext';
import { SYS } from './ledgerRepo';
import { poolOfAccount } from './ledgerViews';

/** One reading of the provider's balance, to mirror into a surface's pools. */
export interface ProviderReading {
  /** The op's idempotency id: one per reading (`provider_sync:runway:<readAt>`). */
  id: string;
  provider: 'runway';
  surface: Surface;
  /** The provider's balance at the reading. */
  credits: number;
  /** When it was read (ISO). */
  readAt: string;
}

export interface MirrorResult {
  /** Credits posted to the surface before and after this op. */
  from: number;
  to: number;
  /** Signed credits moved into the books (+ added at the provider, − spent elsewhere). */
  mirrored: number;
  /** Drift left standing: what reservations hold, so could not be debited without overdrawing. */
  outstanding: number;
  replayed: boolean;
}

/** Credits posted (granted/bought/synced minus captured and expired) on a surface's pool accounts. */
export async function postedOn(ctx: LedgerCtx, surface: Surface): Promise<number> {
  let n = 0;
  for (const a of await ctx.s.poolAccounts.all()) if (a.surface === surface) n += a.credits_posted - a.debits_posted;
  return n;
}

/**
 * Mirrors a provider reading into the books as one `provider_sync` op: from → to, never an edit. The
 * surface's posted credits move to the provider's figure: up by a credit to `<surface>:purchased` from
 * sys:provider (credits bought or refunded at the provider), down by debits from the pools in draw order
 * to sys:provider (spent elsewhere) — never below what reservations hold; the rest stays outstanding.
 * Idempotent by the reading: the same reading again changes nothing. Runs inside the ledger's write.
 */
export async function mirrorProvider(ctx: LedgerCtx, r: ProviderReading): Promise<MirrorResult> {
  const request = { provider: r.provider, surface: r.surface, credits: r.credits, readAt: r.readAt };
  const prior = await ctx.books.existing(r.id, 'provider_sync', request);
  if (prior) return { ...(JSON.parse(prior.result) as Omit<MirrorResult, 'replayed'>), replayed: true };
  const t = ctx.now();
  const from = await postedOn(ctx, r.surface);
  const delta = r.credits - from;
  if (delta === 0) return { from, to: from, mirrored: 0, outstanding: 0, replayed: false };
  const before = await ctx.books.snapshot([r.surface]);
  let mirrored = delta;
  let outstanding = 0;
  const entries: { debit: string; credit: string; credits: number }[] = [];
  if (delta > 0) {
    entries.push({ debit: SYS.provider, credit: await ctx.books.poolAccount(ctx.plan(), r.surface, 'purchased', t), credits: delta });
  } else {
    const plan = drain(await ctx.books.sources(r.surface), -delta);
    for (const l of plan.legs) entries.push({ debit: l.account, credit: SYS.provider, credits: l.credits });
    outstanding = -plan.shortfall;
    mirrored = delta + plan.shortfall;
    if (mirrored === 0) return { from, to: from, mirrored: 0, outstanding, replayed: false };
  }
  const result = { from, to: from + mirrored, mirrored, outstanding, creditsBefore: before };
  const reason = `provider_sync ${r.provider}: ${from} → ${from + mirrored} (read ${r.readAt})`;
  await ctx.books.insertOp(r.id, 'provider_sync', request, result, t, { reason });
  for (const [i, e] of entries.entries()) await ctx.books.transfer(`${r.id}#${i}`, r.id, e.debit, e.credit, e.credits, t);
  ctx.note('provider_sync', r.id);
  ctx.logger.log('info', 'provider balance mirrored into the books', { provider: r.provider, from, to: from + mirrored, outstanding, pools: entries.map((e) => poolOfAccount(e.debit === SYS.provider ? e.credit : e.debit)) });
  return { from, to: from + mirrored, mirrored, outstanding, replayed: false };
}
