import type { CheckVerdict, TakeFacts } from '../contract/board';
import type { CheckResult, Take } from '../contract/takes';

/**
 * A take has one shape from the row to the card:
 *   row  → Take   the one decoder of a stored take (takeOf, electron/core/takes/takeRepo.ts)
 *   Take → facts  the same fields, check details kept only where a check failed (`toFacts`)
 *   facts → card  the facts plus what the board derives (buildCard, derive.ts, builds on `factsOf`)
 * The take's fields are listed here once; nothing else copies them by hand.
 */
export function factsOf(t: TakeFacts, checks: TakeFacts['checks'] = t.checks): TakeFacts {
  // Listed field by field: one object shape for every take (a spread is several times slower on 10,000 takes).
  return {
    id: t.id,
    jobId: t.jobId,
    projectId: t.projectId,
    shotId: t.shotId,
    n: t.n,
    artifactClass: t.artifactClass,
    artifactId: t.artifactId,
    sourceTakeId: t.sourceTakeId,
    model: t.model,
    durationSec: t.durationSec,
    width: t.width,
    height: t.height,
    credits: t.credits,
    checkStatus: t.checkStatus,
    checks,
    createdAt: t.createdAt,
  };
}

/** A check's verdict as a card shows it: the detail only where it failed (the card's tooltip). */
export const verdictsOf = (checks: readonly CheckResult[] | null): CheckVerdict[] | null =>
  checks ? checks.map((c): CheckVerdict => (c.ok ? { name: c.name, ok: true } : { name: c.name, ok: false, detail: c.detail })) : null;

/** A take as a card needs it. Pure. */
export const toFacts = (t: Take): TakeFacts => factsOf(t, verdictsOf(t.checks));
