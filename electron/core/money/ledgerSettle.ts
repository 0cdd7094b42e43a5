import { AppError } from '../../../shared/errors';
import type { Settlement } from '../../../shared/money/ledgerTypes';
import { Credits, MAX_CREDITS_PER_OP, SURFACES, type Surface } from '../../../shared/money/pools';
import { allocate, allocateBack, drain, type Leg } from './drawPlan';
import { withDeltas } from './ledgerBooks';
import type { LedgerCtx } from './ledgerContext';
import { expireNow, expireReleased } from './ledgerCycles';
import { IdempotencyConflictError, ReservationResolvedError } from './ledgerErrors';
import { SYS, type OpRow } from './ledgerRepo';
import { poolOfAccount } from './ledgerViews';

/**
 * Settlement (L3, L7): a reservation resolves exactly once, by capture (post up to the reservation, release
 * the rest) or void (release everything). Actual cost above the reservation follows the plan:
 * `cap` records the excess uncharged; `debit` tries a separate debit from the surface's pools that fails
 * (uncharged, logged) rather than overdraw. No path creates credits. Refunds give back captured credits.
 */
export type Actual = number | Partial<Record<Surface, number>>;

function wholeCredits(n: unknown, field: string): number {
  // The common case (a whole number in bounds) without a parse; anything else gets the schema's own words.
  if (Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_CREDITS_PER_OP) return n as number;
  const r = Credits.safeParse(n);
  if (!r.success) throw new AppError('VALIDATION', `${field}: ${r.error.issues[0]?.message ?? 'must be a whole number of credits'} (got ${String(n)})`, { field });
  return r.data;
}

/** The actual cost per surface: a number is the provider surface's; other surfaces (platform fee) settle as reserved. */
export function actualBySurface(amounts: Partial<Record<Surface, number>>, actual: Actual): Partial<Record<Surface, number>> {
  // The provider surface is the first charged one in SURFACES order that is not the platform fee.
  const keys = SURFACES.filter((k) => amounts[k] !== undefined);
  const out: Partial<Record<Surface, number>> = {};
  if (typeof actual === 'number') {
    const main = keys.find((k) => k !== 'platform') ?? keys[0];
    if (!main) throw new AppError('VALIDATION', 'actual: this reservation holds nothing; pass { <surface>: credits } to charge a surface', { field: 'actual' });
    for (const k of keys) out[k] = k === main ? wholeCredits(actual, 'actual') : amounts[k]!;
    return out;
  }
  if (actual === null || typeof actual !== 'object') throw new AppError('VALIDATION', 'actual: must be credits, or { <surface>: credits }', { field: 'actual' });
  for (const k of Object.keys(actual)) {
    if (!(SURFACES as readonly string[]).includes(k)) throw new AppError('VALIDATION', `actual.${k}: not a surface (${SURFACES.join(', ')})`, { field: `actual.${k}` });
  }
  for (const s of SURFACES) {
    const v = actual[s] ?? amounts[s];
    if (v !== undefined) out[s] = wholeCredits(v, `actual.${s}`);
  }
  return out;
}

export async function settle(ctx: LedgerCtx, kind: 'capture' | 'void', rid: string, actual: Actual, reason: string | null, opId: string): Promise<Settlement> {
  const { s, books } = ctx;
  const res = await s.op.get({ id: rid });
  if (!res || res.kind !== 'reserve') throw new AppError('NOT_FOUND', `No reservation ${rid}.`, { field: 'reservationId', reservationId: rid });
  books.spend.noteOp(res); // the holds' running totals are the reservation's project and member: read once
  const amounts = (JSON.parse(res.request) as { amounts: Partial<Record<Surface, number>> }).amounts;
  const want = kind === 'void' ? {} : actualBySurface(amounts, actual);
  const request = kind === 'void' ? { reservationId: rid, reason } : { reservationId: rid, actual: want };

  const same = await s.op.get({ id: opId });
  if (same && same.reservation_id === rid && (same.kind === 'capture' || same.kind === 'void') && !(same.kind === kind && (await isSame(ctx, same, request)))) {
    throw new ReservationResolvedError(rid, same.kind, same.id, same.created_at);
  }
  const prior = same && (await books.existing(opId, kind, request, same));
  if (prior) return { ...(JSON.parse(prior.result) as Settlement), replayed: true };
  const done = await s.resolutionOf.get({ rid });
  if (done) throw new ReservationResolvedError(rid, done.kind as 'capture' | 'void', done.id, done.created_at);

  const t = ctx.now();
  const holds = (await s.entriesOfOp.all({ op: rid })).filter((e) => e.is_pending === 1);
  const surfaces = new Set<Surface>([...(Object.keys(amounts) as Surface[]), ...(Object.keys(want) as Surface[])]);
  const accounts = await books.accountsOf(surfaces);
  const before = accounts.snapshot();
  // A hold's account is of one of the reservation's surfaces (read above); another is read on its own.
  const accountOf = async (id: string) => accounts.account(id) ?? (await s.account.get({ id }))!;
  const surfaceOf = new Map<string, string | null>();
  for (const h of holds) if (!surfaceOf.has(h.debit_account)) surfaceOf.set(h.debit_account, (await accountOf(h.debit_account)).surface);
  const posts = new Map<string, number>();
  const deltas: Record<string, number> = {};
  const excessBy: Partial<Record<Surface, number>> = {};
  let reserved = 0;
  let captured = 0;
  let excess = 0;
  for (const surface of surfaces) {
    const mine = holds.filter((h) => surfaceOf.get(h.debit_account) === surface);
    const held = mine.reduce((n, h) => n + h.amount, 0);
    const take = Math.min(want[surface] ?? 0, held);
    allocate(
      mine.map((h) => h.amount),
      take,
    ).forEach((x, i) => posts.set(mine[i]!.id, x));
    reserved += held;
    captured += take;
    const over = (want[surface] ?? 0) - held;
    if (over > 0) {
      excess += over;
      excessBy[surface] = over;
    }
  }
  for (const h of holds) {
    const back = h.amount - (posts.get(h.id) ?? 0);
    const pool = poolOfAccount(h.debit_account);
    if (back > 0 && (await accountOf(h.debit_account)).closed_at === null) deltas[pool] = (deltas[pool] ?? 0) + back;
  }

  const policy = ctx.plan().settlement.over_reserve;
  let debitLegs: Leg[] = [];
  let excessInfo: Settlement['excess'] = null;
  if (excess > 0 && policy === 'cap') excessInfo = { credits: excess, policy, charged: false, reason: 'capped at the reservation (plan settlement.over_reserve: cap)' };
  if (excess > 0 && policy === 'debit') {
    const short: string[] = [];
    for (const [surface, n] of Object.entries(excessBy) as [Surface, number][]) {
      const p = drain(await books.sources(surface), n);
      if (p.shortfall > 0) short.push(`${surface} short by ${p.shortfall}`);
      debitLegs.push(...p.legs);
    }
    if (short.length > 0) debitLegs = [];
    excessInfo = { credits: excess, policy, charged: short.length === 0, reason: short.length ? `the separate debit failed: ${short.join(', ')}` : null };
    for (const l of debitLegs) deltas[l.pool] = (deltas[l.pool] ?? 0) - l.credits;
  }

  const settlement: Settlement = {
    opId,
    reservationId: rid,
    kind,
    reserved,
    actual: kind === 'void' ? 0 : Object.values(want).reduce((n, x) => n + (x ?? 0), 0),
    captured,
    released: reserved - captured,
    excess: excessInfo,
    reason,
    creditsBefore: before,
    creditsAfter: withDeltas(before, deltas),
    replayed: false,
  };
  const fields = { reservation_id: rid, job_id: res.job_id, project_id: res.project_id, user_id: res.user_id, stage: res.stage, artifact_class: res.artifact_class, reason };
  await books.insertOp(opId, kind, request, settlement, t, fields);
  for (const [i, h] of holds.entries()) await books.resolve(`${opId}#${i}`, opId, h, posts.get(h.id) ?? 0, t);
  await expireReleased(ctx, holds, posts, opId, t);
  if (debitLegs.length > 0) {
    const debitId = `${opId}:excess`;
    await books.insertOp(debitId, 'debit', { reservationId: rid, credits: excess }, { legs: debitLegs }, t, { ...fields, reason: 'actual cost above the reservation' });
    for (const [i, l] of debitLegs.entries()) await books.transfer(`${debitId}#${i}`, debitId, l.account, SYS.spend, l.credits, t);
    ctx.note('debit', debitId, rid, res.job_id, res.user_id);
  }
  ctx.note(kind, opId, rid, res.job_id, res.user_id);
  if (excessInfo && !excessInfo.charged) ctx.logger.log('warn', 'actual cost above the reservation was not charged', { reservationId: rid, excess, policy, reason: excessInfo.reason });
  return settlement;
}

async function isSame(ctx: LedgerCtx, op: OpRow, request: object): Promise<boolean> {
  try {
    return (await ctx.books.existing(op.id, op.kind, request, op)) !== undefined;
  } catch (e) {
    // A conflict only means "not the same request"; settle() raises the error that fits.
    if (e instanceof IdempotencyConflictError) return false;
    throw e;
  }
}

/** Gives back captured credits of a settled reservation, last-drawn first, up to what it was charged. */
export async function refundCaptured(ctx: LedgerCtx, req: { id: string; reservationId: string; credits: number; reason: string }): Promise<void> {
  const { s, books } = ctx;
  const request = { reservationId: req.reservationId, credits: req.credits, reason: req.reason };
  if (await books.existing(req.id, 'refund', request)) return;
  const res = await s.op.get({ id: req.reservationId });
  if (!res || res.kind !== 'reserve') throw new AppError('NOT_FOUND', `No reservation ${req.reservationId}.`, { field: 'reservationId' });
  const done = await s.resolutionOf.get({ rid: req.reservationId });
  if (!done || done.kind !== 'capture') {
    throw new AppError(
      'VALIDATION',
      `reservationId: ${req.reservationId} was ${done ? 'voided' : 'not captured yet'}; only a captured job can be refunded${done ? '' : ' (void the reservation instead)'}`,
      { field: 'reservationId' },
    );
  }
  const charged: { account: string; credits: number }[] = [];
  let refunded = 0;
  for (const op of await s.opsOfReservation.all({ rid: req.reservationId })) {
    for (const e of await s.entriesOfOp.all({ op: op.id })) {
      if (op.kind === 'refund') refunded += e.amount;
      else if (e.credit_account === SYS.spend && !e.is_pending && e.amount > 0) charged.push({ account: e.debit_account, credits: e.amount });
    }
  }
  const left = charged.reduce((n, c) => n + c.credits, 0) - refunded;
  if (req.credits > left) {
    throw new AppError('VALIDATION', `credits: at most ${left} credits of ${req.reservationId} can still be refunded (asked ${req.credits})`, { field: 'credits', max: left });
  }
  const t = ctx.now();
  await books.insertOp(req.id, 'refund', request, { credits: req.credits }, t, {
    reservation_id: req.reservationId,
    job_id: res.job_id,
    project_id: res.project_id,
    user_id: res.user_id,
    stage: res.stage,
    artifact_class: res.artifact_class,
    reason: req.reason,
  });
  // Last-drawn first; credits refunded earlier already filled the back of the list.
  const sizes = charged.map((c) => c.credits);
  const upTo = allocateBack(sizes, refunded + req.credits);
  const earlier = allocateBack(sizes, refunded);
  for (const [i, x] of upTo.entries()) {
    const amount = x - earlier[i]!;
    if (amount <= 0) continue;
    const account = charged[i]!.account;
    await books.transfer(`${req.id}#${i}`, req.id, SYS.refunds, account, amount, t);
    if (await books.isClosed(account)) await expireNow(ctx, `expire:${account}:${req.id}#${i}`, account, amount, t);
  }
  ctx.note('refund', req.id, req.reservationId, res.job_id, res.user_id);
}
