import type { CalibrationEntry, CalibrationView, Report } from '../../../shared/contract/insightTypes';
import { useAppStore } from '../../store';
import { can } from '../../store/access';
import { errorText } from '../errorText';
import { fmtCredits } from '../format';
import { pct } from './insightFormat';

const perSec = (x: number | null) => (x === null ? '—' : `${x}/s`);

/** Estimate vs actual by model and picture, and the learned rates the user may switch on, one model at a time. */
export function EstimatesSection({ report, calibration }: { report: Report; calibration: CalibrationView | null }) {
  const setCalibration = useAppStore((s) => s.setCalibration);
  // Switching a learned rate on changes every estimate: an admin's call; a producer sees the figures.
  const maySwitch = useAppStore((s) => can(s, 'insight.setCalibration'));
  const notify = useAppStore((s) => s.notify);
  const toggle = (e: CalibrationEntry, on: boolean) =>
    setCalibration(e.provider, e.model, on).then(
      () => notify('info', on ? `Estimates for ${e.model} now use the learned rate.` : `Estimates for ${e.model} use the rate card again.`),
      (err: unknown) => notify('error', errorText(err)),
    );
  return (
    <section className="insight-card" aria-labelledby="estimates-heading">
      <h3 id="estimates-heading">Estimate vs actual</h3>
      {report.estimates.length === 0 ? (
        <p className="muted">No successful attempts with a known cost in this range.</p>
      ) : (
        <div className="table-scroll">
        <table aria-label="Estimate vs actual by model and picture">
          <thead>
            <tr>
              <th>Model · picture</th>
              <th className="num">Samples</th>
              <th className="num">Estimated</th>
              <th className="num">Actual</th>
              <th className="num">Error</th>
              <th className="num">Card → learned</th>
            </tr>
          </thead>
          <tbody>
            {report.estimates.map((e) => (
              <tr key={`${e.provider}/${e.model}/${e.resolution}`}>
                <td>
                  {e.model} <span className="muted sub">{e.provider} · {e.resolution}</span>
                </td>
                <td className="num">{e.samples}</td>
                <td className="num">{fmtCredits(e.estimated)}</td>
                <td className="num">{fmtCredits(e.actual)}</td>
                <td className={`num${Math.abs(e.error ?? 0) > 0.1 ? ' flagged' : ''}`}>{pct(e.error)}</td>
                <td className="num nowrap">
                  {perSec(e.cardCreditsPerSecond)} → {perSec(e.learnedCreditsPerSecond)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <h4>Calibration</h4>
      <p className="muted">The estimator uses the rate card unless you switch on a learned rate here. Switching on freezes what was learned so far; switch off and on again to take newer attempts.</p>
      <ul className="calibration">
        {(calibration?.entries ?? []).map((e) => (
          <li key={`${e.provider}/${e.model}`}>
            <label className="switch">
              <input
                type="checkbox"
                checked={e.isEnabled}
                disabled={!maySwitch || (!e.isEnabled && !e.hasEnoughSamples)}
                onChange={(ev) => void toggle(e, ev.target.checked)}
                aria-label={`Use the learned rate for ${e.provider} ${e.model}`}
              />
              <span>
                <strong>{e.model}</strong> <span className="muted">{e.provider}</span>
              </span>
            </label>
            <span>
              card {perSec(e.overall.cardCreditsPerSecond)} · learned {perSec(e.overall.learnedCreditsPerSecond)} <span className="muted">(n={e.overall.samples})</span>
            </span>
            <span className="muted">
              {e.applied
                ? `applying ×${e.applied.overall.factor} since ${e.applied.since.slice(0, 10)}`
                : e.hasEnoughSamples
                  ? 'off'
                  : `needs ${calibration!.minSamples} samples`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
