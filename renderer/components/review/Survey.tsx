import { createRef, useMemo, useState, type RefObject } from 'react';
import type { TakeCard } from '../../../shared/contract/board';
import { leadingTag, meanStars } from '../../../shared/board/score';
import { useAppStore } from '../../store';
import { authorOf } from '../../store/slices/boardSlice';
import { errorText } from '../errorText';
import { FrameControls, useFrameKeys, useSrc } from '../board/Player';
import { FPS, frameOf, fmtTimecode } from './timecode';

interface Props {
  cards: readonly TakeCard[];
  activeId: string;
  setActive(id: string): void;
}

/** Every video to one time (the shared clock), unless it is already within half a frame of it. */
function seekAll(videos: readonly RefObject<HTMLVideoElement | null>[], t: number) {
  for (const r of videos) {
    const v = r.current;
    if (v && Math.abs(v.currentTime - t) > 0.5 / FPS) v.currentTime = Math.min(t, v.duration || t);
  }
}

/**
 * The survey (Lightroom's N-up): 2–4 takes side by side on one clock — one scrub bar, frame stepping
 * and play for all of them — with a pick button per take. The active take (outlined) gets the tag
 * and star keys; ←/→ change it.
 */
export function Survey({ cards, activeId, setActive }: Props) {
  const [all] = useState(() => [0, 1, 2, 3].map(() => createRef<HTMLVideoElement>()));
  const refs = useMemo(() => all.slice(0, cards.length), [all, cards.length]);
  const [time, setTime] = useState(0);
  useFrameKeys(refs);
  const duration = Math.max(...cards.map((c) => c.durationSec ?? 0), 0);
  // The first take with a file keeps the clock; the others follow it.
  const onLeadTime = (v: HTMLVideoElement) => {
    setTime(v.currentTime);
    if (!v.paused) {
      for (const r of refs) {
        const o = r.current;
        if (o && o !== v && Math.abs(o.currentTime - v.currentTime) > 1 / FPS) o.currentTime = v.currentTime;
      }
    }
  };
  return (
    <div className={`survey n${cards.length}`}>
      <div className="survey-grid">
        {cards.map((c, i) => (
          <SurveyCell key={c.id} card={c} videoRef={refs[i]!} isLead={i === 0} isActive={c.id === activeId} setActive={setActive} onLeadTime={onLeadTime} refs={refs} />
        ))}
      </div>
      <div className="row survey-scrub">
        <input
          type="range"
          aria-label="Scrub all takes"
          aria-valuetext={fmtTimecode(time)}
          min={0}
          max={duration || 1}
          step={1 / FPS}
          value={Math.min(time, duration || 1)}
          onChange={(e) => {
            const t = Number(e.target.value);
            for (const r of refs) r.current?.pause();
            seekAll(refs, t);
            setTime(t);
          }}
        />
        <span className="timecode-now">{fmtTimecode(time)}</span>
      </div>
      <FrameControls videos={refs} frame={frameOf(time)} />
    </div>
  );
}

interface CellProps {
  card: TakeCard;
  videoRef: RefObject<HTMLVideoElement | null>;
  isLead: boolean;
  isActive: boolean;
  setActive(id: string): void;
  onLeadTime(v: HTMLVideoElement): void;
  refs: readonly RefObject<HTMLVideoElement | null>[];
}

function SurveyCell({ card, videoRef, isLead, isActive, setActive, onLeadTime, refs }: CellProps) {
  const src = useSrc(card);
  const me = useAppStore((s) => authorOf(s));
  const { tag, untag, notify } = useAppStore((s) => s);
  const isPicked = card.tags.some((t) => t.author === me && t.tag === 'promising');
  const lead = leadingTag(card.tags);
  const mean = meanStars(card.stars);
  // Any take's seek or tick re-reads the lead's clock (a step seeks every take).
  const readClock = () => {
    const v = refs[0]?.current;
    if (v) onLeadTime(v);
  };
  const clock = isLead
    ? {
        onTimeUpdate: (e: React.SyntheticEvent<HTMLVideoElement>) => onLeadTime(e.currentTarget),
        onSeeked: (e: React.SyntheticEvent<HTMLVideoElement>) => onLeadTime(e.currentTarget),
        onPlay: () => refs.forEach((r) => void r.current?.play().catch(() => undefined)),
        onPause: () => refs.forEach((r) => r.current?.pause()),
      }
    : { onSeeked: readClock };
  return (
    <figure className={`survey-cell${isActive ? ' active' : ''}${lead ? ` tag-${lead}` : ''}`} data-take-id={card.id} onClick={() => setActive(card.id)}>
      {src ? <video ref={videoRef} src={src} preload="auto" muted={!isLead} {...clock} /> : <div className="poster placeholder big">No file</div>}
      <figcaption>
        <span>
          Take {card.number} · {card.model} · {card.tags.length ? card.tags.map((t) => `${t.tag} (${t.author})`).join(', ') : 'untagged'}
          {mean !== null ? ` · ★ ${mean}` : ''}
        </span>
        <button
          type="button"
          className={isPicked ? 'primary small' : 'small'}
          aria-pressed={isPicked}
          onClick={(e) => {
            e.stopPropagation();
            setActive(card.id);
            void (isPicked ? untag([card.id]) : tag([card.id], 'promising')).catch((err: unknown) => notify('error', errorText(err)));
          }}
        >
          Pick take {card.number}
          {isPicked && <span aria-hidden="true"> ✓</span>}
        </button>
      </figcaption>
    </figure>
  );
}
