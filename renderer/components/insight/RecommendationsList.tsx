import type { Recommendation } from '../../../shared/contract/insightTypes';

/** The decision framework's triggers, the ones that fired first, each with its evidence and action. */
export function RecommendationsList({ items }: { items: Recommendation[] }) {
  const sorted = [...items].sort((a, b) => Number(b.isTriggered) - Number(a.isTriggered));
  const fired = items.filter((r) => r.isTriggered).length;
  return (
    <section className="insight-card recommendations" aria-labelledby="recs-heading">
      <h3 id="recs-heading">
        Recommendations <span className="muted">{fired === 0 ? 'nothing to act on' : `${fired} of ${items.length} triggers fired`}</span>
      </h3>
      <ul>
        {sorted.map((r) => (
          <li key={r.id} className={r.isTriggered ? 'fired' : 'quiet'} aria-label={`${r.signal}: ${r.isTriggered ? 'act' : 'fine'}`}>
            <div className="rec-head">
              <span className={`badge ${r.isTriggered ? 'act' : 'ok'}`}>{r.isTriggered ? 'Act' : 'OK'}</span>
              <strong>{r.signal}</strong>
              <span className="muted">{r.threshold}</span>
            </div>
            <p>{r.evidence}</p>
            {r.isTriggered && <p className="action">→ {r.action}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
