import { useEffect, useState, type FormEvent } from 'react';
import type { Surface } from '../../shared/money/pools';
import { useAppStore } from '../store';
import { errorText } from './errorText';
import { fmtCredits, surfaceLabel } from './format';

/** Money: balances per pool with reset dates, the active plan, history, budgets and buying credits. */
export function LedgerPanel({ projectId }: { projectId: string | null }) {
  const balances = useAppStore((s) => s.balances);
  const history = useAppStore((s) => s.history);
  const plans = useAppStore((s) => s.plans);
  const budget = useAppStore((s) => (projectId ? s.budgets[projectId] : undefined));
  const { loadCredits, loadHistory, purchase, setBudget, notify } = useAppStore((s) => s);
  const [buy, setBuy] = useState({ surface: 'api' as Surface, credits: '1000' });
  const [budgetText, setBudgetText] = useState('');
  const fail = (e: unknown) => notify('error', errorText(e));
  useEffect(() => {
    const onError = (e: unknown) => notify('error', errorText(e));
    loadCredits().catch(onError);
    loadHistory(projectId ?? undefined).catch(onError);
  }, [projectId, loadCredits, loadHistory, notify]);

  const onBuy = (e: FormEvent) => {
    e.preventDefault();
    purchase(buy.surface, Number(buy.credits)).then(() => notify('info', `Bought ${fmtCredits(Number(buy.credits))} ${surfaceLabel(buy.surface).toLowerCase()}.`), fail);
  };
  const onBudget = (e: FormEvent) => {
    e.preventDefault();
    if (!projectId) return;
    const t = budgetText.trim();
    setBudget(projectId, t === '' ? null : Number(t)).then(() => notify('info', t === '' ? 'Project budget removed.' : `Project budget set to ${fmtCredits(Number(t))} credits.`), fail);
  };
  const active = plans?.active;
  return (
    <section className="panel ledger" aria-labelledby="ledger-heading">
      <header className="panel-head">
        <h2 id="ledger-heading">Ledger</h2>
        {active && (
          <span className="muted">
            Plan {active.plan} (checked {active.checkedAt}) · rate card {active.rateCard}
          </span>
        )}
      </header>
      {active?.isStale && (
        <p className="banner" role="status">
          The active plan's figures were checked more than 90 days ago: re-check them against the provider.
        </p>
      )}
      <table className="balances" aria-label="Balances">
        <thead>
          <tr>
            <th>Pool</th>
            <th>Available</th>
            <th>Reserved</th>
            <th>Resets</th>
          </tr>
        </thead>
        <tbody>
          {(balances?.pools ?? []).map((p) => (
            <tr key={p.pool}>
              <td>
                {surfaceLabel(p.surface)} · {p.kind}
              </td>
              <td className="num">{fmtCredits(p.available)}</td>
              <td className="num">{fmtCredits(p.reserved)}</td>
              <td>{p.resetsAt ? p.resetsAt.slice(0, 10) : 'never expires'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="ledger-forms">
        <form onSubmit={onBuy} className="row wrap">
          <label htmlFor="buy-surface">Buy credits</label>
          <select id="buy-surface" value={buy.surface} onChange={(e) => setBuy({ ...buy, surface: e.target.value as Surface })}>
            {(['api', 'web', 'platform', 'local'] as const).map((s) => (
              <option key={s} value={s}>
                {surfaceLabel(s)}
              </option>
            ))}
          </select>
          <input aria-label="Credits to buy" className="narrow" inputMode="numeric" value={buy.credits} onChange={(e) => setBuy({ ...buy, credits: e.target.value })} />
          <button type="submit">Buy</button>
        </form>
        {projectId && (
          <form onSubmit={onBudget} className="row wrap">
            <label htmlFor="budget">Project budget</label>
            <input id="budget" className="narrow" inputMode="numeric" placeholder={budget === undefined ? 'plan default' : budget === null ? 'none' : String(budget)} value={budgetText} onChange={(e) => setBudgetText(e.target.value)} />
            <button type="submit">Set budget</button>
          </form>
        )}
      </div>
      <h2>History</h2>
      {history.length === 0 ? (
        <p className="muted">No movements yet.</p>
      ) : (
        <table className="history" aria-label="History">
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>Pool</th>
              <th>Credits</th>
              <th>Job</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.entryId}>
                <td>{new Date(h.createdAt).toLocaleString()}</td>
                <td>
                  {h.kind}
                  {h.isPending ? ' (held)' : ''}
                  {h.reason ? ` — ${h.reason}` : ''}
                </td>
                <td>{h.pool}</td>
                <td className={`num ${h.credits < 0 ? 'neg' : 'pos'}`}>{h.credits > 0 ? `+${fmtCredits(h.credits)}` : fmtCredits(h.credits)}</td>
                <td className="muted">{h.jobId ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
