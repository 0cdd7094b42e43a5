import type { Quote } from '../../../shared/contract/credits';
import type { WayOut } from '../../../shared/money/waysOut';
import type { Surface } from '../../../shared/money/pools';
import type { CallName } from '../../../shared/contract';
import { useAppStore } from '../../store';
import { can } from '../../store/access';
import { errorText } from '../errorText';
import { fmtCredits, surfaceLabel } from '../format';
import type { DraftValues } from './draftModel';

/** The estimate line: credits (and dollars), each surface's balance before → after, cache hints. */
export function EstimateLine(p: { quote: Quote | null; isCachedHit: boolean; isLocal: boolean; isEstimating: boolean; note: string | null }) {
  const { quote, isCachedHit } = p;
  const surfaces = quote ? (Object.keys(quote.before) as Surface[]) : [];
  return (
    <div className="estimate" aria-live="polite">
      {quote ? (
        <>
          <span className="estimate-total">
            {isCachedHit
              ? `Free — cached (new: ${fmtCredits(quote.estimate.credits)} credits)`
              : quote.estimate.credits === 0
                ? 'Free'
                : `${fmtCredits(quote.estimate.credits)} credits`}
            {!isCachedHit && quote.estimate.usd !== null && quote.estimate.credits > 0 ? ` ($${quote.estimate.usd.toFixed(2)})` : ''}
          </span>
          {surfaces.map((s) => (
            <span key={s} className="balance-move" data-surface={s}>
              {surfaceLabel(s)} {fmtCredits(quote.before[s] ?? 0)} → {fmtCredits(isCachedHit ? (quote.before[s] ?? 0) : (quote.after[s] ?? 0))}
            </span>
          ))}
          {p.isLocal && <span className="muted">simulation: no real credits</span>}
        </>
      ) : (
        <span className="muted">{p.isEstimating ? 'Estimating…' : ''}</span>
      )}
      {p.note && <span className="cached">{p.note}</span>}
    </div>
  );
}

/**
 * Why Generate is off, and the ways out, each a button that works from here: spend less (applied to
 * the form), top up the simulation (at once), or buy, switch plan, raise the budget (the Ledger tab,
 * prefilled and focused).
 */
export function Refusals({ id, refusals, blockers, values, set }: { id: string; refusals: Quote['refusals']; blockers: string[]; values: DraftValues; set(patch: Partial<DraftValues>): void }) {
  const { openLedger, topUpSimulation, notify } = useAppStore((s) => s);
  const role = useAppStore((s) => s.role);
  // A way out that is an admin's call (more credits, another plan, a bigger budget) is, for anyone else, a
  // request to make of an admin, not a button that would be refused.
  const isMine = (w: WayOut) => {
    const call = ADMIN_WAYS[w.kind];
    return call === undefined || can({ role }, call);
  };
  if (refusals.length === 0 && blockers.length === 0) return null;
  const apply = (w: WayOut, pool: string | null) => {
    switch (w.kind) {
      case 'cheaper_model':
        return set({ model: w.model ?? values.model, ...(w.durationSec !== undefined ? { durationSec: w.durationSec } : {}) });
      case 'shorter_clip':
        return set({ durationSec: w.durationSec ?? values.durationSec });
      case 'fewer_variations':
        return set({ variations: w.variations ?? values.variations });
      case 'preview_instead':
        return set({ artifactClass: 'preview' });
      case 'allowed_value':
        return typeof w.value === 'string' && /^\d+:\d+$/.test(w.value) ? set({ ratio: w.value }) : set({ outputFormat: w.value === undefined ? null : String(w.value) });
      case 'explore_off':
        return set({});
      case 'grant_credits':
        return void topUpSimulation(w.credits ?? 10_000).then(
          () => notify('info', `Added ${fmtCredits(w.credits ?? 10_000)} simulated credits.`),
          (e: unknown) => notify('error', errorText(e)),
        );
      case 'buy_credits': {
        const surface = (pool?.split(':')[0] ?? 'api') as Surface;
        return openLedger({ kind: 'buy', surface, credits: w.credits ?? 0 });
      }
      case 'change_plan':
        return openLedger({ kind: 'plan' });
      case 'raise_budget':
        return openLedger({ kind: 'budget' });
      case 'wait_for_reset':
      case 'ask_admin':
        return undefined;
    }
  };
  return (
    <div className="refusals" id={id}>
      {blockers.map((b) => (
        <p key={b} className="field-error">
          {b}
        </p>
      ))}
      {refusals.map((r) => (
        <div key={r.rule + r.message} className="refusal">
          <p className="field-error">{r.message}</p>
          {r.waysOut.length > 0 && (
            <div className="row wrap">
              <span className="muted">Ways out:</span>
              {r.waysOut.map((w) =>
                w.kind === 'wait_for_reset' || w.kind === 'ask_admin' || !isMine(w) ? (
                  <span key={w.kind + w.text} className="muted small">
                    or {isMine(w) ? w.text : `ask an admin to ${w.text}`}
                  </span>
                ) : (
                  <button key={w.kind + w.text} type="button" className="small" onClick={() => apply(w, r.pool)}>
                    {w.text}
                  </button>
                ),
              )}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

/** The call behind each way out that only some roles may make. */
const ADMIN_WAYS: Partial<Record<WayOut['kind'], CallName>> = {
  grant_credits: 'credits.grant',
  buy_credits: 'credits.purchase',
  change_plan: 'plans.activate',
  raise_budget: 'credits.setBudget',
};
