import { useState, type FormEvent } from 'react';
import type { Forecast, ProjectThresholds } from '../../../shared/contract/insightTypes';
import { parsePoolId } from '../../../shared/money/pools';
import { useAppStore } from '../../store';
import { can } from '../../store/access';
import { errorText } from '../errorText';
import { fmtCredits, fmtDay, surfaceLabel } from '../format';
import { BurnDownChart } from './BurnDownChart';

/** Will the queued and planned work fit each pool before it resets? A burn-down per pool, budgets, and the project's spend thresholds. */
export function ForecastSection({ forecast, thresholds, projectId }: { forecast: Forecast; thresholds: ProjectThresholds | null; projectId: string | null }) {
  const pools = forecast.pools.filter((p) => p.available !== 0 || p.reserved !== 0 || p.planned !== 0 || p.burnDown.some((b) => b.credits !== 0));
  return (
    <section className="insight-card" aria-labelledby="forecast-heading">
      <h3 id="forecast-heading">Spend forecast</h3>
      {forecast.planned.length > 0 && (
        <p className="muted">
          Planned: {forecast.planned.map((p) => `${p.label} — ${fmtCredits(p.credits)} credits`).join('; ')}.
        </p>
      )}
      {pools.length === 0 && <p className="muted">No pool holds credits yet.</p>}
      {pools.map((p) => {
        const kind = parsePoolId(p.pool)?.kind ?? '';
        const name = `${surfaceLabel(p.surface)} · ${kind}`;
        return (
          <article key={p.pool} className="pool-forecast" aria-label={`Forecast for ${name}`}>
            <div className="card-head">
              <h4>{name}</h4>
              <span className={`badge ${!p.fits ? 'act' : !p.fitsAtPace ? 'warn' : 'ok'}`}>{!p.fits ? 'Does not fit' : !p.fitsAtPace ? 'Runs dry at this pace' : 'Fits'}</span>
            </div>
            <p className="muted">
              {fmtCredits(p.available)} available · {fmtCredits(p.reserved)} held by queued work · {fmtCredits(p.planned)} planned · {fmtCredits(p.burnPerDay)} a day lately ·{' '}
              {p.resetsAt ? `resets ${fmtDay(p.resetsAt)}` : `next ${forecast.horizonDays} days`} · {fmtCredits(p.projectedLeft)} left then
              {p.runsOutOn ? ` · runs out ${fmtDay(p.runsOutOn)}` : ''}
            </p>
            <BurnDownChart label={`Burn-down of ${name}: ${fmtCredits(p.available)} now, ${fmtCredits(p.projectedLeft)} at ${p.resetsAt ? 'the reset' : 'the horizon'}`} points={p.burnDown} />
          </article>
        );
      })}
      {forecast.budgets.length > 0 && (
        <div className="table-scroll">
        <table aria-label="Project budgets">
          <thead>
            <tr>
              <th>Project</th>
              <th className="num">Budget</th>
              <th className="num">Spent</th>
              <th className="num">Planned</th>
              <th className="num">Left</th>
            </tr>
          </thead>
          <tbody>
            {forecast.budgets.map((b) => (
              <tr key={b.projectId}>
                <td>{b.projectName}</td>
                <td className="num">{fmtCredits(b.budget)}</td>
                <td className="num">{fmtCredits(b.spent)}</td>
                <td className="num">{fmtCredits(b.planned)}</td>
                <td className={`num${b.fits ? '' : ' flagged'}`}>{fmtCredits(b.left)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {projectId && <ThresholdsForm projectId={projectId} thresholds={thresholds} />}
    </section>
  );
}

function ThresholdsForm({ projectId, thresholds }: { projectId: string; thresholds: ProjectThresholds | null }) {
  const setThresholds = useAppStore((s) => s.setThresholds);
  const notify = useAppStore((s) => s.notify);
  // Setting the thresholds is an admin's; a producer sees them and what was passed.
  const maySet = useAppStore((s) => can(s, 'insight.setThresholds'));
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (thresholds?.source === 'set' ? thresholds.thresholds.join(', ') : '');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parts = shown.split(/[\s,]+/).filter(Boolean);
    const values = parts.map(Number);
    if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
      notify('error', 'Thresholds: whole numbers of credits above 0, separated by commas.');
      return;
    }
    setThresholds(projectId, values).then(
      () => {
        setText(null);
        notify('info', values.length ? `You will be told when this project passes ${values.join(', ')} credits.` : 'Project thresholds cleared.');
      },
      (err: unknown) => notify('error', errorText(err)),
    );
  };
  return (
    <form className="thresholds row wrap" onSubmit={onSubmit}>
      <label htmlFor="thresholds-input">Notify when this project's spend passes (credits)</label>
      <input id="thresholds-input" value={shown} readOnly={!maySet} placeholder={thresholds?.source === 'budget' ? thresholds.thresholds.join(', ') : 'e.g. 500, 1000'} onChange={(e) => setText(e.target.value)} />
      {maySet && <button type="submit">Save thresholds</button>}
      {thresholds && (
        <span className="muted">
          {fmtCredits(thresholds.spent)} spent{thresholds.source === 'budget' ? ' · using 50/80/100 % of the budget' : ''}
          {thresholds.crossed.length ? ` · passed ${thresholds.crossed.join(', ')}` : ''}
        </span>
      )}
    </form>
  );
}
