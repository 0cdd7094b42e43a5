import { useEffect, useState } from 'react';
import { useAppStore } from '../store';
import { can } from '../store/access';
import { errorText } from './errorText';
import { fmtCredits, fmtTime } from './format';

const signed = (n: number): string => `${n > 0 ? '+' : n < 0 ? '−' : ''}${fmtCredits(Math.abs(n))}`;

/**
 * Runway's balance beside the books (issue 13): the provider's figure, the books' figure, the drift the
 * last reading found and what was mirrored, when they were compared, and the usage reconciliation's
 * mismatches. "Compare now" reads Runway (balance and usage) on demand. Hidden without a Runway key.
 */
export function ProviderBooks() {
  const books = useAppStore((s) => s.providerBooks);
  const balances = useAppStore((s) => s.balances);
  const { loadProviderBooks, notify } = useAppStore((s) => s);
  const [isBusy, setBusy] = useState(false);
  // Reading Runway now (credits.syncProvider) is the admins'; a producer sees the last comparison.
  const maySync = useAppStore((s) => can(s, 'credits.syncProvider'));
  // A new balance may follow a reading (a settle, a sync): the comparison follows the balances.
  useEffect(() => {
    loadProviderBooks().catch((e: unknown) => notify('error', errorText(e)));
  }, [balances, loadProviderBooks, notify]);
  const c = books?.comparison ?? null;
  if (!c) return null;
  const compareNow = () => {
    setBusy(true);
    loadProviderBooks(true)
      .catch((e: unknown) => notify('error', errorText(e)))
      .finally(() => setBusy(false));
  };
  const mismatches = books?.usage?.mismatches ?? [];
  return (
    <section className="provider-books" aria-labelledby="provider-books-heading">
      <div className="row">
        <h3 id="provider-books-heading">Runway balance</h3>
        {maySync && (
          <button type="button" className="small" onClick={compareNow} disabled={isBusy}>
            {isBusy ? 'Comparing…' : 'Compare now'}
          </button>
        )}
      </div>
      <dl className="facts" aria-label="Runway against the books">
        <dt>Runway says</dt>
        <dd className="num">{fmtCredits(c.providerCredits)}</dd>
        <dt>The books say</dt>
        <dd className="num">
          {fmtCredits(c.booksCredits)}
          {c.heldAtProvider > 0 && <span className="muted"> (+{fmtCredits(c.heldAtProvider)} held at Runway for tasks in flight)</span>}
        </dd>
        <dt>Drift</dt>
        <dd className="num">
          {c.drift === 0 ? 'none' : signed(c.drift)}
          {c.mirrored !== 0 && <span className="muted"> ({signed(c.mirrored)} mirrored into {c.pool})</span>}
        </dd>
        <dt>Compared</dt>
        <dd>
          <time dateTime={c.comparedAt}>{fmtTime(c.comparedAt)}</time>
        </dd>
      </dl>
      <p className={c.outstanding !== 0 ? 'field-error' : 'muted'} role="status">
        {c.explanation}
      </p>
      {mismatches.length > 0 && (
        <ul aria-label="Usage mismatches">
          {mismatches.map((m) => (
            <li key={`${m.date}-${m.model}`}>
              {m.date} {m.model}: Runway {fmtCredits(m.providerCredits)}, books {fmtCredits(m.booksCredits)} — {m.explanation}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
