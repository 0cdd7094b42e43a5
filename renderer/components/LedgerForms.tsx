import { useEffect, useRef, useState, type FormEvent } from 'react';
import { SURFACES, type Surface } from '../../shared/money/pools';
import { useAppStore } from '../store';
import { errorText } from './errorText';
import { fmtCredits, surfaceLabel } from './format';

/** Switch the active plan: its pools, caps and prices apply from the next estimate on. */
export function PlanSwitcher() {
  const plans = useAppStore((s) => s.plans);
  const intent = useAppStore((s) => s.ledgerIntent);
  const { activatePlan, notify } = useAppStore((s) => s);
  const active = plans?.active.plan ?? '';
  const [choice, setChoice] = useState(active);
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => setChoice(active), [active]);
  useEffect(() => {
    if (intent?.kind === 'plan') ref.current?.focus();
  }, [intent]);
  if (!plans) return null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    activatePlan(choice).then(
      () => notify('info', `Plan ${choice} is active.`),
      (err: unknown) => notify('error', errorText(err)),
    );
  };
  const isSame = choice === active;
  return (
    <form onSubmit={onSubmit} className="row wrap">
      <label htmlFor="plan-choice">Plan</label>
      <select id="plan-choice" ref={ref} value={choice} onChange={(e) => setChoice(e.target.value)}>
        {plans.plans.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name}
            {p.isActive ? ' (active)' : ''}
          </option>
        ))}
      </select>
      <button type="submit" disabled={isSame} title={isSame ? 'This plan is already active: pick another one first.' : undefined}>
        Switch plan
      </button>
    </form>
  );
}

/**
 * More credits where the plan allows: buying on surfaces whose pools accept purchases (at least
 * the plan's minimum), and topping up the simulator's pretend credits (they buy nothing real).
 */
export function RefillForms() {
  const config = useAppStore((s) => s.activeConfig);
  const intent = useAppStore((s) => s.ledgerIntent);
  const { purchase, topUpSimulation, notify } = useAppStore((s) => s);
  const buyable = SURFACES.filter((s) => s !== 'local' && config?.plan.pools[s]?.purchase.allowed);
  const [buy, setBuy] = useState<{ surface: Surface | null; credits: string }>({ surface: null, credits: '' });
  const [topUp, setTopUp] = useState('10000');
  const buyRef = useRef<HTMLInputElement>(null);
  const topUpRef = useRef<HTMLInputElement>(null);
  const surface = buy.surface && buyable.includes(buy.surface) ? buy.surface : (buyable[0] ?? null);
  const minimum = surface ? (config?.plan.pools[surface]?.purchase.min_credits ?? 1) : 1;
  useEffect(() => {
    if (intent?.kind !== 'buy') return;
    if (intent.surface === 'local') {
      setTopUp(String(intent.credits));
      topUpRef.current?.focus();
    } else {
      setBuy({ surface: intent.surface, credits: String(intent.credits) });
      buyRef.current?.focus();
    }
  }, [intent]);
  const fail = (e: unknown) => notify('error', errorText(e));
  const credits = buy.credits === '' ? minimum : Number(buy.credits);
  const onBuy = (e: FormEvent) => {
    e.preventDefault();
    if (!surface) return;
    purchase(surface, credits).then(() => notify('info', `Bought ${fmtCredits(credits)} ${surfaceLabel(surface).toLowerCase()}.`), fail);
  };
  const onTopUp = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(topUp);
    topUpSimulation(n).then(() => notify('info', `Added ${fmtCredits(n)} simulated credits.`), fail);
  };
  return (
    <>
      {surface ? (
        <form onSubmit={onBuy} className="row wrap">
          <label htmlFor="buy-surface">Buy credits</label>
          <select id="buy-surface" value={surface} onChange={(e) => setBuy({ ...buy, surface: e.target.value as Surface })}>
            {buyable.map((s) => (
              <option key={s} value={s}>
                {surfaceLabel(s)}
              </option>
            ))}
          </select>
          <input
            ref={buyRef}
            aria-label="Credits to buy"
            className="narrow"
            inputMode="numeric"
            placeholder={String(minimum)}
            value={buy.credits}
            onChange={(e) => setBuy({ ...buy, credits: e.target.value })}
          />
          <button type="submit">Buy</button>
          <span className="muted small">minimum {fmtCredits(minimum)}</span>
        </form>
      ) : (
        <p className="muted">This plan sells no credits: switch plan for more.</p>
      )}
      <form onSubmit={onTopUp} className="row wrap">
        <label htmlFor="topup">Simulated credits</label>
        <input id="topup" ref={topUpRef} className="narrow" inputMode="numeric" value={topUp} onChange={(e) => setTopUp(e.target.value)} />
        <button type="submit">Top up</button>
      </form>
    </>
  );
}

/** The project's budget (blank removes it; the plan's default then applies). */
export function BudgetForm({ projectId }: { projectId: string }) {
  const budget = useAppStore((s) => s.budgets[projectId]);
  const intent = useAppStore((s) => s.ledgerIntent);
  const { setBudget, notify } = useAppStore((s) => s);
  const [text, setText] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (intent?.kind === 'budget') ref.current?.focus();
  }, [intent]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    setBudget(projectId, t === '' ? null : Number(t)).then(
      () => notify('info', t === '' ? 'Project budget removed.' : `Project budget set to ${fmtCredits(Number(t))} credits.`),
      (err: unknown) => notify('error', errorText(err)),
    );
  };
  return (
    <form onSubmit={onSubmit} className="row wrap">
      <label htmlFor="budget">Project budget</label>
      <input id="budget" ref={ref} className="narrow" inputMode="numeric" placeholder={budget === undefined ? 'plan default' : budget === null ? 'none' : String(budget)} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Set budget</button>
    </form>
  );
}
