import type { CheckVerdict, TakeFacts } from '../contract/board';
import type { Take } from '../contract/takes';

/** A take as a card needs it: check details only where a check failed (the card's tooltip). Pure. */
export function toFacts(t: Take): TakeFacts {
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
    checks: t.checks ? t.checks.map((c): CheckVerdict => (c.ok ? { name: c.name, ok: true } : { name: c.name, ok: false, detail: c.detail })) : null,
    createdAt: t.createdAt,
  };
}
