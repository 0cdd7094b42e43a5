import type { Recommendation } from '../../../shared/contract/insightTypes';
import { fmtTime } from '../format';

const ORDER: Record<Recommendation['level'], number> = { act: 0, watch: 1, ok: 2 };
const BADGE: Record<Recommendation['level'], { text: string; className: string; aria: string }> = {
  act: { text: 'Act', className: 'act', aria: 'act' },
  watch: { text: 'Watch', className: 'warn', aria: 'watch, too little evidence to act' },
  ok: { text: 'OK', className: 'ok', aria: 'fine' },
};

/**
 * The decision framework's triggers: those to act on first, then those past a threshold on too little
 * evidence (watch), each with its evidence, how much evidence it has against the least it needs, and
 * (to act on) the action.
 */
export function RecommendationsList({ items }: { items: Recommendation[] }) {
  const sorted = [...items].sort((a, b) => ORDER[a.level] - ORDER[b.level]);
  const fired = items.filter((r) => r.level === 'act').length;
  const watching = items.filter((r) => r.level === 'watch').length;
  return (
    <section className="insight-card recommendations" aria-labelledby="recs-heading">
      <h3 id="recs-heading">
        Recommendations{' '}
        <span className="muted">
          {fired === 0 ? 'nothing to act on' : `${fired} of ${items.length} triggers fired`}
          {watching > 0 ? ` · ${watching} to watch` : ''}
        </span>
      </h3>
      <ul>
        {sorted.map((r) => {
          const since = r.figures.worstWindowStart;
          return (
            <li key={r.id} className={r.level === 'act' ? 'fired' : 'quiet'} aria-label={`${r.signal}: ${BADGE[r.level].aria}`}>
              <div className="rec-head">
                <span className={`badge ${BADGE[r.level].className}`}>{BADGE[r.level].text}</span>
                <strong>{r.signal}</strong>
                <span className="muted">{r.threshold}</span>
              </div>
              <p>
                {r.evidence}
                {r.level !== 'ok' && typeof since === 'string' ? ` The worst 30 minutes began ${fmtTime(since)}.` : ''}
              </p>
              <p className="muted small-print">
                Evidence: {r.samples.toLocaleString()} {r.sampleUnit}; acts on at least {r.minSamples.toLocaleString()}.
              </p>
              {r.level === 'act' && <p className="action">→ {r.action}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
