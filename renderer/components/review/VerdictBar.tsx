import type { TagName, TakeCard } from '../../../shared/contract/board';
import { meanStars } from '../../../shared/board/score';
import { useAppStore } from '../../store';
import { authorOf } from '../../store/slices/boardSlice';
import { errorText } from '../errorText';

const VERDICTS: { tag: TagName; label: string; key: string }[] = [
  { tag: 'promising', label: 'Pick', key: 'P' },
  { tag: 'discard', label: 'Reject', key: 'X' },
  { tag: 'needs-fix', label: 'Needs fix', key: 'F' },
];

/** Your verdict and stars on one take (the same as P/X/U/F and 1–5), and everyone else's. */
export function VerdictBar({ card }: { card: TakeCard }) {
  const me = useAppStore((s) => authorOf(s));
  const { tag, untag, rate, notify } = useAppStore((s) => s);
  const fail = (e: unknown) => notify('error', errorText(e));
  const mine = card.tags.find((t) => t.author === me && !t.isAuto)?.tag ?? null;
  const myStars = card.stars.find((s) => s.author === me)?.stars ?? 0;
  const mean = meanStars(card.stars);
  return (
    <section className="verdicts" aria-label="Verdict">
      <div className="row" role="group" aria-label="Your verdict">
        {VERDICTS.map((v) => (
          <button
            key={v.tag}
            type="button"
            className={`verdict verdict-${v.tag}`}
            aria-pressed={mine === v.tag}
            aria-keyshortcuts={v.key}
            onClick={() => void (mine === v.tag ? untag([card.id]) : tag([card.id], v.tag)).catch(fail)}
          >
            {v.label} <kbd>{v.key}</kbd>
          </button>
        ))}
        <button type="button" aria-keyshortcuts="U" disabled={mine === null} onClick={() => void untag([card.id]).catch(fail)}>
          Unflag <kbd>U</kbd>
        </button>
      </div>
      <div className="stars" role="radiogroup" aria-label="Your stars">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={myStars === n}
            aria-label={`${n} star${n === 1 ? '' : 's'}`}
            className={n <= myStars ? 'star on' : 'star'}
            onClick={() => void rate([card.id], myStars === n ? null : n).catch(fail)}
          >
            ★
          </button>
        ))}
        <span className="muted">{mean === null ? 'not rated' : `mean ${mean} of ${card.stars.length}`}</span>
      </div>
      {card.tags.length > 0 && (
        <ul className="tag-list">
          {card.tags.map((t) => (
            <li key={t.author} className={`tag tag-${t.tag}`} title={t.reason ?? undefined}>
              {t.tag} · {t.author}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
