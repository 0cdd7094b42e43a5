import { useState } from 'react';
import type { Report } from '../../../shared/contract/insightTypes';
import { fmtCredits, fmtDay } from '../format';
import { BarChart, Legend, type BarSeries } from './BarChart';
import { rate, signedPct } from './insightFormat';

const STAGES: BarSeries[] = [
  { key: 'generate', label: 'Generate', className: 's-generate' },
  { key: 'refine', label: 'Refine', className: 's-refine' },
  { key: 'upscale', label: 'Upscale', className: 's-upscale' },
  { key: 'export', label: 'Export', className: 's-export' },
  { key: 'none', label: 'Other', className: 's-none' },
];
const CLASSES: BarSeries[] = [
  { key: 'preview', label: 'Preview', className: 's-generate' },
  { key: 'release', label: 'Release', className: 's-export' },
  { key: 'none', label: 'Other', className: 's-none' },
];

/** Dashboard one: credits per day by stage or artifact class, weekly spend and its change, what a kept take and a final cost. */
export function SpendSection({ report }: { report: Report }) {
  const [by, setBy] = useState<'stage' | 'class'>('stage');
  const s = report.spend;
  const series = (by === 'stage' ? STAGES : CLASSES).filter((x) => x.key !== 'none' || s.byDay.some((d) => (by === 'stage' ? d.byStage.none : d.byClass.none) !== 0));
  const bars = s.byDay.map((d) => ({ label: fmtDay(d.day), values: by === 'stage' ? d.byStage : d.byClass }));
  const totals = by === 'stage' ? s.byStage : s.byClass;
  const y = report.yield;
  return (
    <section className="insight-card" aria-labelledby="spend-heading">
      <div className="card-head">
        <h3 id="spend-heading">Credits per day</h3>
        <div className="segmented" role="radiogroup" aria-label="Split credits by">
          {(['stage', 'class'] as const).map((k) => (
            <button key={k} type="button" role="radio" aria-checked={by === k} onClick={() => setBy(k)}>
              {k === 'stage' ? 'By stage' : 'By class'}
            </button>
          ))}
        </div>
      </div>
      <BarChart label={`Credits per day by ${by}, ${fmtDay(report.since)} to ${fmtDay(report.until)}: ${fmtCredits(s.credits)} credits in all`} series={series} bars={bars} />
      <Legend series={series} />
      <dl className="figures">
        <div>
          <dt>Spent (net of refunds)</dt>
          <dd>{fmtCredits(s.credits)}</dd>
        </div>
        {series.map((x) => (
          <div key={x.key}>
            <dt>{x.label}</dt>
            <dd>{fmtCredits((totals as Record<string, number>)[x.key] ?? 0)}</dd>
          </div>
        ))}
      </dl>
      <h4>Weekly spend</h4>
      <BarChart
        label={`Weekly spend: ${s.weeks.map((w) => `week of ${w.weekStart} ${fmtCredits(w.credits)}${w.isFlagged ? ' (moved more than 30 %)' : ''}`).join(', ')}`}
        series={[{ key: 'credits', label: 'Credits', className: 's-generate' }]}
        bars={s.weeks.map((w) => ({ label: `wk ${fmtDay(w.weekStart)}`, values: { credits: w.credits }, isFlagged: w.isFlagged, note: `${signedPct(w.change)}${w.isComplete ? '' : w.weekStart < report.since ? ' (part)' : ' (so far)'}` }))}
      />
      <dl className="figures">
        <div>
          <dt>Per kept take</dt>
          <dd>{y.creditsPerKeptTake === null ? '—' : fmtCredits(y.creditsPerKeptTake)}</dd>
        </div>
        <div>
          <dt>Per approved final</dt>
          <dd>{y.creditsPerApprovedFinal === null ? '—' : fmtCredits(y.creditsPerApprovedFinal)}</dd>
        </div>
        <div>
          <dt>Kept · finals · shipped</dt>
          <dd>
            {y.keptTakes} · {y.approvedFinals} · {y.shippedAssets}
          </dd>
        </div>
        <div>
          <dt>Saved by the cache</dt>
          <dd>
            {fmtCredits(y.creditsSaved)} <span className="muted">({y.cacheHits} hits)</span>
          </dd>
        </div>
        <div>
          <dt>Refunded</dt>
          <dd>{fmtCredits(y.refunded)}</dd>
        </div>
        <div>
          <dt>Rerender rate, 7 days</dt>
          <dd className={report.rerender.last7Days.isFlagged ? 'flagged' : ''}>{rate(report.rerender.last7Days.rate)}</dd>
        </div>
      </dl>
    </section>
  );
}
