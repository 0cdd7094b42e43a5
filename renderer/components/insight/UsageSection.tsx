import { useEffect, useRef } from 'react';
import type { UsagePoint, UsageReport } from '../../../shared/contract/usage';
import { useAppStore } from '../../store';
import type { UsageDays } from '../../store/slices/usageSlice';
import { errorText } from '../errorText';
import { fmtCredits, fmtDay } from '../format';

const RANGES: UsageDays[] = [7, 30, 90];
/** Credits a bucket used: charged (net of refunds) plus what running jobs still hold. */
const used = (p: Pick<UsagePoint, 'credits' | 'held'>) => Math.max(0, p.credits) + p.held;
const lastDay = (to: string) => new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * Usage over time (spend.usage), per member and per project: a row each with a bar per day (charged,
 * and on top what running jobs hold) and the range's totals. Refreshed when the range changes and,
 * at most about once a second, when credits move (every credits.changed replaces the balances).
 */
export function UsageSection() {
  const days = useAppStore((s) => s.usageDays);
  const byUser = useAppStore((s) => s.usageByUser);
  const byProject = useAppStore((s) => s.usageByProject);
  const moneyMoved = useAppStore((s) => s.balances);
  const setUsageDays = useAppStore((s) => s.setUsageDays);
  const loadUsage = useAppStore((s) => s.loadUsage);
  const notify = useAppStore((s) => s.notify);

  useEffect(() => {
    loadUsage().catch((e: unknown) => notify('error', errorText(e)));
  }, [days, loadUsage, notify]);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => loadUsage().catch((e: unknown) => notify('error', errorText(e))), 1000);
    return () => clearTimeout(t);
  }, [moneyMoved, loadUsage, notify]);

  return (
    <section className="insight-card usage" aria-labelledby="usage-heading">
      <div className="card-head">
        <h3 id="usage-heading">Usage over time</h3>
        <div className="segmented" role="radiogroup" aria-label="Usage range">
          {RANGES.map((d) => (
            <button key={d} type="button" role="radio" aria-checked={days === d} onClick={() => setUsageDays(d)}>
              {d} days
            </button>
          ))}
        </div>
      </div>
      {!byUser || !byProject ? (
        <p className="muted">Loading usage…</p>
      ) : (
        <>
          <UsageTable report={byUser} what="member" />
          <UsageTable report={byProject} what="project" />
          <p className="muted usage-key">
            <svg width="10" height="10" aria-hidden="true">
              <rect className="u-charged" width="10" height="10" />
            </svg>{' '}
            charged (net of refunds){' '}
            <svg width="10" height="10" aria-hidden="true">
              <rect className="u-held" width="10" height="10" />
            </svg>{' '}
            held by running jobs · one bar a day, oldest first
          </p>
        </>
      )}
    </section>
  );
}

function UsageTable({ report, what }: { report: UsageReport; what: 'member' | 'project' }) {
  const id = `usage-by-${what}`;
  const range = `${fmtDay(report.from)} to ${fmtDay(lastDay(report.to))}`;
  const top = Math.max(0, ...report.series.flatMap((s) => s.points.map(used)));
  const t = report.totals;
  return (
    <section className="usage-block" aria-labelledby={id}>
      <h4 id={id}>Usage by {what}</h4>
      {report.series.length === 0 ? (
        <p className="muted">No credits used from {range}.</p>
      ) : (
        <div className="table-scroll">
          <table aria-label={`Usage by ${what}, ${range}`}>
            <thead>
              <tr>
                <th scope="col">{what === 'member' ? 'Member' : 'Project'}</th>
                <th scope="col">Per day</th>
                <th scope="col" className="num">
                  Charged
                </th>
                <th scope="col" className="num">
                  Held
                </th>
                <th scope="col" className="num">
                  Refunded
                </th>
              </tr>
            </thead>
            <tbody>
              {report.series.map((s) => (
                <tr key={s.key ?? '(none)'}>
                  <th scope="row">{s.name}</th>
                  <td>
                    <UsageBars name={s.name} points={s.points} top={top} range={range} totals={s} />
                  </td>
                  <td className="num">{fmtCredits(s.credits)}</td>
                  <td className="num">{fmtCredits(s.held)}</td>
                  <td className="num">{fmtCredits(s.refunded)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td>
                  <UsageBars name="Total" points={t.points} top={Math.max(0, ...t.points.map(used))} range={range} totals={t} />
                </td>
                <td className="num">{fmtCredits(t.credits)}</td>
                <td className="num">{fmtCredits(t.held)}</td>
                <td className="num">{fmtCredits(t.refunded)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

const W = 180;
const H = 28;

/** One bar a day in plain SVG: charged at the bottom, held on top; the label says what the bars show. */
function UsageBars({ name, points, top, range, totals }: { name: string; points: UsagePoint[]; top: number; range: string; totals: { credits: number; held: number } }) {
  const peak = points.reduce<UsagePoint | null>((m, p) => (used(p) > 0 && (!m || used(p) > used(m)) ? p : m), null);
  const label = `${name}, ${range}: ${fmtCredits(totals.credits)} credits charged${totals.held ? `, ${fmtCredits(totals.held)} held` : ''}${peak ? `; most on ${fmtDay(peak.start)} (${fmtCredits(used(peak))})` : ''}`;
  const step = W / Math.max(1, points.length);
  const barW = Math.max(1, step - (step > 3 ? 1 : 0));
  const h = (v: number) => (top <= 0 ? 0 : (v / top) * (H - 2));
  return (
    <svg className="usage-bars" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" height={H} role="img" aria-label={label}>
      <line className="base" x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} />
      {points.map((p, i) => {
        const c = h(Math.max(0, p.credits));
        const k = h(p.held);
        return (
          <g key={p.start}>
            {c > 0 && <rect className="u-charged" x={i * step} width={barW} y={H - 1 - c} height={Math.max(1, c)} />}
            {k > 0 && <rect className="u-held" x={i * step} width={barW} y={H - 1 - c - k} height={Math.max(1, k)} />}
          </g>
        );
      })}
    </svg>
  );
}
