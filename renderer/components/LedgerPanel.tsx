import { useEffect, useState } from 'react';
import { useAppStore } from '../store';
import { can } from '../store/access';
import { errorText } from './errorText';
import { fmtCredits, fmtDay, fmtTime, surfaceLabel } from './format';
import { BudgetForm, PlanSwitcher, RefillForms } from './LedgerForms';
import { LimitsSection } from './LimitsSection';
import { ProviderBooks } from './ProviderBooks';

/**
 * Money: balances per pool with reset dates, the active plan and a switcher, more credits where the
 * plan allows (buy, or top up the simulation), the project's budget, the limits and spend notices an
 * admin sets (LimitsSection), and the history: every pool's
 * movements (grants, adjustments, expiries) by default, or only this project's jobs.
 */
export function LedgerPanel({ projectId }: { projectId: string | null }) {
  const balances = useAppStore((s) => s.balances);
  const history = useAppStore((s) => s.history);
  const plans = useAppStore((s) => s.plans);
  const { loadCredits, loadHistory, notify } = useAppStore((s) => s);
  // What the session may do here: every member who sees money sees the balances; the history and Runway's
  // books are the producer's and the admins'; switching plan, buying, topping up and budgets the admins'.
  const role = useAppStore((s) => s.role);
  const may = (name: Parameters<typeof can>[1]) => can({ role }, name);
  const mayHistory = may('credits.history');
  const [scope, setScope] = useState<'all' | 'project'>('all');
  const historyProject = scope === 'project' && projectId ? projectId : undefined;
  useEffect(() => {
    const onError = (e: unknown) => notify('error', errorText(e));
    loadCredits().catch(onError);
  }, [loadCredits, notify]);
  // Money moves elsewhere too: the history follows the balances.
  useEffect(() => {
    if (mayHistory) loadHistory(historyProject).catch((e: unknown) => notify('error', errorText(e)));
  }, [mayHistory, historyProject, balances, loadHistory, notify]);

  const active = plans?.active;
  return (
    <section className="panel ledger" aria-labelledby="ledger-heading">
      <header className="panel-head">
        <h2 id="ledger-heading">Ledger</h2>
        {active && (
          <span className="muted">
            Plan {active.plan} (checked {fmtDay(active.checkedAt.slice(0, 10))}) · rate card {active.rateCard}
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
              <td>{p.resetsAt ? fmtDay(p.resetsAt.slice(0, 10)) : 'never expires'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {may('credits.provider') && <ProviderBooks />}
      <div className="ledger-forms">
        {may('plans.activate') && <PlanSwitcher />}
        {(may('credits.purchase') || may('credits.grant')) && <RefillForms />}
        {projectId && may('credits.setBudget') && <BudgetForm projectId={projectId} />}
      </div>
      <LimitsSection projectId={projectId} />
      {mayHistory && (
        <>
        <div className="row">
          <h2 id="history-heading">History</h2>
          <select aria-label="History shows" value={scope} onChange={(e) => setScope(e.target.value as 'all' | 'project')}>
            <option value="all">every pool movement</option>
            <option value="project" disabled={!projectId}>
              this project&apos;s jobs only
            </option>
          </select>
        </div>
        {history.length === 0 ? (
          <p className="muted">No movements yet.</p>
        ) : (
          <table className="history" aria-labelledby="history-heading">
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
                  <td>{fmtTime(Date.parse(h.createdAt))}</td>
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
        </>
      )}
    </section>
  );
}
