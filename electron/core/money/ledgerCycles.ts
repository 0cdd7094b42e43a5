import { cycleAt } from '../../../shared/money/cycles';
import { poolId, SURFACES } from '../../../shared/money/pools';
import type { Now } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { SYS, type EntryRow } from './ledgerRepo';

/**
 * Pool rules over time (L6): each cycle's allowance is granted once per plan and cycle; at the cycle end
 * the unused allowance (posted minus live reservations) moves to sys:expired and the account closes.
 * Purchased and granted credits never expire, and live reservations are never touched: a hold made
 * before the end can be captured after it, and what it releases then expires at once.
 */
export async function syncCycles(ctx: LedgerCtx, t: Now): Promise<void> {
  const { s, books } = ctx;
  for (const a of await s.dueAllowances.all({ today: t.day })) {
    const left = a.credits_posted - a.debits_posted - a.debits_pending;
    if (left > 0) {
      const id = `expire:${a.id}`;
      await books.insertOp(id, 'expire', { account: a.id, credits: left }, { account: a.id, credits: left, cycleEnd: a.cycle_end }, t, { reason: `allowance cycle ended ${a.cycle_end}` });
      await books.transfer(`${id}#0`, id, a.id, SYS.expired, left, t);
      ctx.note('expire', id);
    }
    await s.closeAccount.run({ id: a.id, now: t.iso });
  }
  const plan = ctx.plan();
  const name = plan.plan.name;
  for (const surface of SURFACES) {
    const rules = plan.pools[surface];
    if (!rules) continue;
    for (const g of rules.grants) {
      const id = `grant:${surface}:${g.id}`;
      if (await s.hasOp.get({ id })) continue;
      const account = await books.poolAccount(plan, surface, 'grant', t);
      const reason = `plan ${name}: ${g.id}`;
      await books.insertOp(id, 'grant', { pool: poolId(surface, 'grant'), credits: g.credits, reason }, { account }, t, { reason });
      await books.transfer(`${id}#0`, id, SYS.issuance, account, g.credits, t);
      ctx.note('grant', id);
    }
    if (rules.allowance) {
      const c = cycleAt(t.ms, rules.allowance);
      const id = `allowance:${name}:${surface}:${c.start}`;
      if (await s.hasOp.get({ id })) continue;
      const account = await books.poolAccount(plan, surface, 'allowance', t);
      const reason = `plan ${name}: allowance for the cycle from ${c.start}`;
      await books.insertOp(id, 'allowance', { pool: poolId(surface, 'allowance'), credits: rules.allowance.credits, cycle: c.start }, { account, cycleEnd: c.end }, t, { reason });
      await books.transfer(`${id}#0`, id, SYS.issuance, account, rules.allowance.credits, t);
      ctx.note('allowance', id);
    }
  }
}

/** Credits released back into a closed (ended) allowance account expire at once. */
export async function expireReleased(ctx: LedgerCtx, holds: EntryRow[], posts: Map<string, number>, opId: string, t: Now): Promise<void> {
  for (const [i, h] of holds.entries()) {
    const back = h.amount - (posts.get(h.id) ?? 0);
    if (back > 0 && (await ctx.books.isClosed(h.debit_account))) await expireNow(ctx, `expire:${h.debit_account}:${opId}#${i}`, h.debit_account, back, t);
  }
}

export async function expireNow(ctx: LedgerCtx, id: string, account: string, amount: number, t: Now): Promise<void> {
  await ctx.books.insertOp(id, 'expire', { account, credits: amount }, { account, credits: amount }, t, { reason: 'released after its allowance cycle ended' });
  await ctx.books.transfer(`${id}#0`, id, account, SYS.expired, amount, t);
  ctx.note('expire', id);
}
