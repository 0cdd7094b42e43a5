import { AppError } from '../../../shared/errors';
import { cycleAt } from '../../../shared/money/cycles';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { Surface } from '../../../shared/money/pools';

/**
 * Typed ledger errors the queue branches on. Each changes nothing: it is thrown before any write, or
 * inside the savepoint that rolls the write back.
 */

/** The same idempotency id was used for different fields (CONFLICT). */
export class IdempotencyConflictError extends AppError {
  override name = 'IdempotencyConflictError';
  constructor(opId: string, kind: string, differing: string[]) {
    super(
      'CONFLICT',
      `Operation id ${opId} was already used for a ${kind} with different ${differing.join(', ') || 'fields'}; nothing changed. Resend the same fields, or use a new id for a new operation.`,
      { field: 'id', opId, kind, differing },
    );
  }
}

/** Capture or void of a reservation that was already captured or voided (CONFLICT). */
export class ReservationResolvedError extends AppError {
  override name = 'ReservationResolvedError';
  readonly resolvedAs: 'capture' | 'void';
  constructor(reservationId: string, resolvedAs: 'capture' | 'void', byOp: string, at: string) {
    super(
      'CONFLICT',
      `Reservation ${reservationId} was already ${resolvedAs === 'capture' ? 'captured' : 'voided'} (operation ${byOp}, ${at}); nothing changed.`,
      { reservationId, resolvedAs, byOp, at },
    );
    this.resolvedAs = resolvedAs;
  }
}

export interface Shortfall {
  surface: string;
  pool: string;
  needed: number;
  available: number;
  shortfall: number;
  byPool: Record<string, number>;
}

/** A surface's pools hold less than a reservation or debit needs (INSUFFICIENT_CREDITS). */
export class InsufficientCreditsError extends AppError {
  override name = 'InsufficientCreditsError';
  readonly shortfalls: Shortfall[];
  constructor(shortfalls: Shortfall[], waysOut: string[]) {
    const s = shortfalls[0]!;
    const pools = Object.entries(s.byPool)
      .map(([p, n]) => `${p} ${n}`)
      .join(', ');
    super(
      'INSUFFICIENT_CREDITS',
      `Not enough credits in ${s.pool}: needs ${s.needed}, ${s.available} available (${pools || 'no pools'}); short by ${s.shortfall}.${waysOut.length ? ` Ways out: ${waysOut.join('; ')}.` : ''}`,
      { rule: 'balance', pool: s.pool, shortfall: s.shortfall, shortfalls, waysOut },
    );
    this.shortfalls = shortfalls;
  }
}

/** The refusal for `short`, with the ways out the plan offers (buy, wait for the allowance reset) and the ones it always has. */
export function insufficientCredits(plan: PlanConfig, short: Shortfall[], nowMs: number): InsufficientCreditsError {
  const ways: string[] = [];
  for (const s of short) {
    const rules = plan.pools[s.surface as Surface];
    if (rules?.purchase.allowed) ways.push(`buy ${Math.max(s.shortfall, rules.purchase.min_credits ?? 1)} ${s.surface} credits`);
    if (rules?.allowance) ways.push(`wait for the allowance reset on ${cycleAt(nowMs, rules.allowance).end}`);
  }
  ways.push('a cheaper model', 'a shorter clip');
  return new InsufficientCreditsError(short, ways);
}

/** The ledger failed its startup audit: writes are refused until it is repaired (safe mode). */
export class LedgerUnsafeError extends AppError {
  override name = 'LedgerUnsafeError';
  constructor(problems: string[]) {
    super('INTERNAL', `The credit ledger failed its audit (${problems[0]}${problems.length > 1 ? `, +${problems.length - 1} more` : ''}); money writes are refused until it is repaired. Restore the latest backup from the data dir's backups folder.`, {
      problems,
    });
  }
}
