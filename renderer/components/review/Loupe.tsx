import { useCallback, useMemo, useRef, useState } from 'react';
import type { Comment, TakeCard } from '../../../shared/contract/board';
import type { Shape, ShapeKind } from '../../../shared/contract/drawing';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits, fmtSec } from '../format';
import { FrameControls, useFrameKeys, useSrc } from '../board/Player';
import { DrawingLayer } from './DrawingLayer';
import { Filmstrip } from './Filmstrip';
import { ReviewComments } from './ReviewComments';
import { frameOf, fmtTimecode } from './timecode';
import { VerdictBar } from './VerdictBar';
import { can } from '../../store/access';

interface Props {
  card: TakeCard;
  /** The shot's takes, in take order (the filmstrip). */
  strip: readonly TakeCard[];
  onPick(id: string): void;
}

/**
 * The loupe: one take large, with frame stepping and drawing on the frame; its verdict, stars,
 * checks and frame-accurate comments beside; the shot's filmstrip below.
 */
export function Loupe({ card, strip, onPick }: Props) {
  const ref = useRef<HTMLVideoElement>(null);
  const refs = useMemo(() => [ref], []);
  const [time, setTime] = useState(0);
  const [tool, setTool] = useState<ShapeKind | null>(null);
  const [pending, setPending] = useState<Shape[]>([]);
  const [shown, setShown] = useState<Comment | null>(null);
  const role = useAppStore((s) => s.role);
  const canReuse = useAppStore((s) => can(s, 'takes.recipe') && can(s, 'jobs.submit'));
  const isReviewer = role === 'reviewer';
  const { reuseTake, notify } = useAppStore((s) => s);
  const src = useSrc(card);
  useFrameKeys(refs);
  const frame = frameOf(time);
  // A comment's drawing shows while the player is on its frame; the one being drawn always does.
  const shownShapes = shown?.drawing && shown.atSec !== null && frameOf(shown.atSec) === frame ? shown.drawing.shapes : [];
  const onShow = useCallback((c: Comment) => {
    const v = ref.current;
    setShown(c);
    if (v && c.atSec !== null) {
      v.pause();
      v.currentTime = c.atSec;
      setTime(c.atSec);
    }
  }, []);
  const chooseTool = (t: ShapeKind | null) => {
    ref.current?.pause();
    setTool(t);
  };
  const sync = (v: HTMLVideoElement) => setTime(v.currentTime);
  return (
    <div className="loupe">
      <div className="loupe-main">
        {src ? (
          <div className="frame">
            <video ref={ref} src={src} preload="auto" onTimeUpdate={(e) => sync(e.currentTarget)} onSeeked={(e) => sync(e.currentTarget)} onClick={(e) => void (e.currentTarget.paused ? e.currentTarget.play() : e.currentTarget.pause())} />
            <DrawingLayer
              shapes={[...shownShapes, ...pending]}
              tool={tool}
              onShape={(s) => setPending((p) => (p.length < 50 ? [...p, s] : p))}
              label={tool ? `Drawing on frame ${frame}: drag to draw a ${tool}` : `Frame ${frame}${shownShapes.length ? `, with ${shown?.author}'s drawing` : ''}`}
            />
          </div>
        ) : (
          <div className="poster placeholder big">This take has no file: retention removed it (its params and poster remain).</div>
        )}
        <FrameControls videos={refs} frame={frame} />
        <span className="timecode-now">{fmtTimecode(time)}</span>
        <Filmstrip strip={strip} currentId={card.id} onPick={onPick} />
      </div>
      <aside className="loupe-side" aria-label="Take details">
        <VerdictBar card={card} />
        {canReuse && (
          <button type="button" className="primary small" onClick={() => void reuseTake(card.id).catch((e: unknown) => notify('error', errorText(e)))}>
            Reuse settings
          </button>
        )}
        <dl>
          <dt>Version</dt>
          <dd>
            take {card.number} of this shot{card.sourceNumber ? `, made from take ${card.sourceNumber}` : ''}
          </dd>
          <dt>Model</dt>
          <dd>{card.model}</dd>
          <dt>Duration</dt>
          <dd>{fmtSec(card.durationSec)}</dd>
          <dt>Size</dt>
          <dd>{card.width && card.height ? `${card.width}×${card.height}` : '—'}</dd>
          {!isReviewer && (
            <>
              <dt>Credits</dt>
              <dd>{fmtCredits(card.credits)}</dd>
            </>
          )}
          <dt>Score</dt>
          <dd>{card.score}</dd>
        </dl>
        <ul className="check-list" aria-label="Checks">
          {card.checkStatus === 'pending' && <li>checking…</li>}
          {(card.checks ?? []).map((c) => (
            <li key={c.name} className={c.ok ? 'ok' : 'bad'}>
              {c.ok ? '✓' : '✗'} {c.name}
              {c.detail ? ` — ${c.detail}` : ''}
            </li>
          ))}
        </ul>
        <ReviewComments
          takeId={card.id}
          time={time}
          pending={pending}
          tool={tool}
          setTool={chooseTool}
          clearPending={() => setPending([])}
          onShow={onShow}
          shownId={shown?.id ?? null}
        />
      </aside>
    </div>
  );
}
