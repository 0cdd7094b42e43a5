import type { Report } from '../../../shared/contract/insightTypes';
import { fmtDay, fmtTime } from '../format';
import { BarChart } from './BarChart';
import { duration, pct, rate } from './insightFormat';

/** Dashboard two: p95 queue time and end-to-end latency by model and status, export failure rate, rerender rate per week. */
export function ReliabilitySection({ report }: { report: Report }) {
  const f = report.exportFailures;
  const longest = Math.max(1, ...report.latency.map((l) => l.p95EndToEndMs ?? 0));
  return (
    <section className="insight-card" aria-labelledby="latency-heading">
      <h3 id="latency-heading">Queue time and latency (p95)</h3>
      {report.latency.length === 0 ? (
        <p className="muted">No provider attempts in this range yet.</p>
      ) : (
        <div className="table-scroll">
        <table className="latency" aria-label="p95 by model and status">
          <thead>
            <tr>
              <th>Model</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th className="num">Queue</th>
              <th className="num">End to end</th>
              <th aria-hidden="true" />
            </tr>
          </thead>
          <tbody>
            {report.latency.map((l) => (
              <tr key={`${l.provider}/${l.model}/${l.status}`}>
                <td>
                  {l.model} <span className="muted sub">{l.provider}</span>
                </td>
                <td>
                  <span className={`status s-${l.status}`}>{l.status}</span>
                </td>
                <td className="num">{l.attempts}</td>
                <td className={`num${(l.p95QueueMs ?? 0) > 600_000 ? ' flagged' : ''}`}>{duration(l.p95QueueMs)}</td>
                <td className="num">{duration(l.p95EndToEndMs)}</td>
                <td className="spark" aria-hidden="true">
                  <svg viewBox="0 0 100 8" preserveAspectRatio="none">
                    <rect className="s-none" width="100" height="8" />
                    <rect className="s-upscale" width={((l.p95EndToEndMs ?? 0) / longest) * 100} height="8" />
                    <rect className="s-generate" width={((l.p95QueueMs ?? 0) / longest) * 100} height="8" />
                  </svg>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <dl className="figures">
        <div>
          <dt>Export failure rate</dt>
          <dd className={f.worstWindow && f.worstWindow.rate > 0.05 ? 'flagged' : ''}>{pct(f.rate)}</dd>
        </div>
        <div>
          <dt>Release attempts</dt>
          <dd>
            {f.failures} failed of {f.attempts}
          </dd>
        </div>
        <div>
          <dt>Worst 30 minutes</dt>
          <dd className="small">{f.worstWindow ? `${pct(f.worstWindow.rate)} from ${fmtTime(f.worstWindow.start)}` : '—'}</dd>
        </div>
      </dl>
      <h4>Rerender rate (attempts per shipped asset)</h4>
      <BarChart
        label={`Rerender rate per week: ${report.rerender.weeks.map((w) => `week of ${w.weekStart} ${w.rate === null ? 'nothing shipped' : rate(w.rate)}`).join(', ')}`}
        series={[{ key: 'rate', label: 'Rate', className: 's-refine' }]}
        bars={report.rerender.weeks.map((w) => ({ label: `wk ${fmtDay(w.weekStart)}`, values: { rate: w.rate ?? 0 }, isFlagged: w.isFlagged, note: w.rate === null ? `${w.attempts} / 0` : rate(w.rate) }))}
        threshold={{ value: 2, label: '2.0 per asset: the threshold' }}
        format={(n) => rate(n, 1)}
      />
    </section>
  );
}
