import type { z } from 'zod';
import type { Reservation, ReserveRequest } from '../../../shared/money/ledgerTypes';
import { DRAW_ORDER, poolId, SURFACES, type Surface } from '../../../shared/money/pools';
import { drain, type Leg } from './drawPlan';
import { withDeltas } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { syncCycles } from './ledgerCycles';
import { insufficientCredits, type Shortfall } from './ledgerErrors';
import { SYS } from './ledgerRepo';
import { reservationView } from './ledgerViews';

/**
 * Reservation (the hold a job's submit takes): per surface, the pools are drained in draw order (allowance,
 * then grant, then purchased) into pending entries to sys:spend; any surface short refuses the whole
 * request (InsufficientCreditsError, with ways out) and nothing is written. Runs inside the ledger's
 * write transaction (usually the queue's submit), keyed by the reservation id.
 */
export async function reserveCredits(c: LedgerCtx, req: z.output<typeof ReserveRequest>): Promise<Reservation> {
  const amounts: Partial<Record<Surface, number>> = {};
  for (const s of SURFACES) if (req.amounts[s] !== undefined) amounts[s] = req.amounts[s];
  const request = { jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass, amounts };
  const prior = await c.books.existing(req.id, 'reserve', request);
  if (prior) return reservationView(c.s, prior);
  const t = c.now();
  await syncCycles(c, t);
  const surfaces = Object.keys(amounts) as Surface[];
  const accounts = await c.books.accountsOf(surfaces);
  const before = accounts.snapshot();
  const legs: Leg[] = [];
  const short: Shortfall[] = [];
  for (const s of surfaces) {
    const plan = drain(accounts.sources(s), amounts[s]!);
    legs.push(...plan.legs);
    if (plan.shortfall > 0) short.push(await shortfall(c, s, amounts[s]!, plan.shortfall));
  }
  if (short.length > 0) throw insufficientCredits(c.plan(), short, c.now().ms);
  const deltas: Record<string, number> = {};
  for (const l of legs) deltas[l.pool] = (deltas[l.pool] ?? 0) - l.credits;
  const result = { legs, creditsBefore: before, creditsAfter: withDeltas(before, deltas) };
  await c.books.insertOp(req.id, 'reserve', request, result, t, {
    job_id: req.jobId,
    project_id: req.projectId,
    user_id: req.userId ?? null,
    stage: req.stage,
    artifact_class: req.artifactClass,
  });
  for (const [i, l] of legs.entries()) await c.books.transfer(`${req.id}#${i}`, req.id, l.account, SYS.spend, l.credits, t, true);
  c.note('reserve', req.id, req.id, req.jobId, req.userId ?? null);
  // The view of what was just written (as reservation(id) reads it back), built without reading it back.
  const held = legs.filter((l) => l.credits > 0);
  return {
    id: req.id, jobId: req.jobId, projectId: req.projectId, userId: req.userId ?? null, stage: req.stage, artifactClass: req.artifactClass,
    state: 'pending', amounts, reserved: held.reduce((n, l) => n + l.credits, 0), captured: null,
    legs: held.map((l) => ({ pool: l.pool, account: l.account, credits: l.credits, captured: null })),
    creditsBefore: result.creditsBefore, creditsAfter: result.creditsAfter, createdAt: t.iso, resolvedAt: null, resolvedBy: null,
  } satisfies Reservation;
}

/** How a surface falls short, named by the last pool the plan draws from (the one a way out refills). */
async function shortfall(c: LedgerCtx, surface: Surface, needed: number, short: number): Promise<Shortfall> {
  const byPool = await c.books.snapshot([surface]);
  const plan = c.plan();
  const configured = DRAW_ORDER.filter((k) => (k === 'allowance' ? plan.pools[surface]?.allowance : k === 'grant' ? plan.pools[surface]?.grants.length : plan.pools[surface]?.purchase.allowed));
  const last = configured[configured.length - 1] ?? 'purchased';
  return { surface, pool: poolId(surface, last), needed, available: needed - short, shortfall: short, byPool };
}
