import type { Caller } from '../../../shared/contract';
import type { Dispatcher } from '../dispatch';

/**
 * Reviewers see no money (issue 15 item 7), on screen or on the wire. Every field that carries
 * credits — `credits`, `estimatedCredits`, `reservedCredits`, `capturedCredits`, `costCredits`,
 * `creditsSaved`, `creditsBefore`, `creditsAfter`, … — is dropped from what a reviewer's session
 * receives, at the doors: the dispatcher's answers (after the strict output check, so the owner's
 * contract stays whole) and the events the host fans out. Every other role sees it all (a guest, no session, sees none).
 */
const MONEY_KEY = /credit/i;

export function seesMoney(role: Caller): boolean {
  return role !== 'reviewer' && role !== 'guest';
}

/** A deep copy of `v` without any field that names credits. */
export function withoutMoney(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutMoney);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!MONEY_KEY.test(k)) out[k] = withoutMoney(x);
    return out;
  }
  return v;
}

/** What `role` may receive of `v`: all of it, or without money for a reviewer. */
export function moneyFor(role: Caller, v: unknown): unknown {
  return seesMoney(role) ? v : withoutMoney(v);
}

/** The dispatcher every door uses, answering a reviewer's session without money (answers and error details). */
export function hideMoneyFromReviewers(dispatch: Dispatcher): Dispatcher {
  return async (name, rawInput, ctx) => {
    const r = await dispatch(name, rawInput, ctx);
    if (seesMoney(ctx.role)) return r;
    if (r.ok) return { ok: true, value: withoutMoney(r.value) };
    return r.error.details ? { ok: false, error: { ...r.error, details: withoutMoney(r.error.details) as Record<string, unknown> } } : r;
  };
}
