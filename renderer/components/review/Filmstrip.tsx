import { useEffect } from 'react';
import type { TakeCard } from '../../../shared/contract/board';
import { mediaUrl } from '../../../shared/contract/media';
import { leadingTag, meanStars } from '../../../shared/board/score';
import { useAppStore } from '../../store';

function Thumb({ card }: { card: TakeCard }) {
  const door = useAppStore((s) => s.mediaDoor);
  const thumbs = useAppStore((s) => (card.artifactId ? s.thumbs[card.artifactId] : undefined));
  const loadThumbs = useAppStore((s) => s.loadThumbs);
  useEffect(() => {
    if (card.artifactId && thumbs === undefined) void loadThumbs(card.artifactId);
  }, [card.artifactId, thumbs, loadThumbs]);
  return typeof thumbs === 'object' ? <img src={mediaUrl(door, card.artifactClass, thumbs.posterId)} alt="" draggable={false} /> : <span className="thumb-empty" aria-hidden="true" />;
}

/** The shot's takes under the loupe, in take order; ←/→ walk it, a click jumps. */
export function Filmstrip({ strip, currentId, onPick }: { strip: readonly TakeCard[]; currentId: string; onPick(id: string): void }) {
  useEffect(() => {
    document.querySelector(`.filmstrip [data-take-id="${currentId}"]`)?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [currentId]);
  return (
    <nav className="filmstrip" aria-label="Filmstrip">
      <ol>
        {strip.map((c) => {
          const lead = leadingTag(c.tags);
          const mean = meanStars(c.stars);
          return (
            <li key={c.id}>
              <button
                type="button"
                data-take-id={c.id}
                aria-current={c.id === currentId ? 'true' : undefined}
                aria-label={`Take ${c.number}${lead ? ` · ${lead}` : ''}${mean !== null ? ` · ${mean} stars` : ''}`}
                className={`${c.id === currentId ? 'current' : ''}${lead ? ` tag-${lead}` : ''}`}
                onClick={() => onPick(c.id)}
              >
                <Thumb card={c} />
                <span className="strip-label">
                  {c.number}
                  {mean !== null ? ` ★${mean}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
