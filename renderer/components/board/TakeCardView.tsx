import { memo, useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type MouseEvent } from 'react';
import { STAGE_LABELS, type TakeCard } from '../../../shared/contract/board';
import { mediaUrl } from '../../../shared/contract/media';
import { leadingTag, meanStars } from '../../../shared/board/score';
import { useAppStore } from '../../store';
import { fmtCredits, fmtSec, fmtPercent } from '../format';

interface Props {
  card: TakeCard;
  isFocused: boolean;
  /** The card Tab lands on (the focused one, or the first when none is). */
  isTabStop: boolean;
  isSelected: boolean;
  showShot: string | null;
}

const CHECK_SHORT: Record<string, string> = { decode: 'dec', duration: 'dur', resolution: 'res', black: 'blk', freeze: 'frz', audio: 'aud', watermark: 'wm' };

/** One take: poster with hover scrub, duration, model, credits (not for reviewers), check verdicts, tags with authors. */
export const TakeCardView = memo(function TakeCardView({ card, isFocused, isTabStop, isSelected, showShot }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const isKeyboardActive = useAppStore((s) => s.isKeyboardActive);
  const isReviewer = useAppStore((s) => s.role === 'reviewer');
  const focus = useAppStore((s) => s.focus);
  const toggleSelected = useAppStore((s) => s.toggleSelected);
  const openOverlay = useAppStore((s) => s.openOverlay);
  const isSwept = useAppStore((s) => (card.artifactId ? s.swept[card.artifactId] !== undefined : false));
  const releaseProgress = useAppStore((s) => {
    const j = card.release?.jobId ? s.jobs[card.release.jobId] : undefined;
    if (!j || card.release?.takeId) return null;
    const ps = j.tasks.map((t) => (t.status === 'succeeded' ? 1 : (t.progress ?? 0)));
    return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : 0;
  });

  useLayoutEffect(() => {
    if (isFocused && isKeyboardActive && ref.current && document.activeElement !== ref.current) ref.current.focus({ preventScroll: true });
  }, [isFocused, isKeyboardActive]);

  const lead = leadingTag(card.tags);
  const failed = card.checks?.filter((c) => !c.ok) ?? [];
  // The option's name comes from this one hidden line; the visible parts are hidden from the name.
  const label = `Take ${card.number}${card.sourceNumber ? ` (from take ${card.sourceNumber})` : ''} · ${card.model} · ${STAGE_LABELS[card.stage]}${lead ? ` · ${lead}` : ''} · ${checkSummary(card)}`;
  const onClick = (e: MouseEvent) => {
    if (e.shiftKey || e.metaKey || e.ctrlKey) toggleSelected(card.id);
    focus(card.id);
  };
  return (
    <div
      ref={ref}
      className={`card${isFocused ? ' focused' : ''}${isSelected ? ' selected' : ''}${lead ? ` tag-${lead}` : ''}`}
      role="option"
      aria-selected={isSelected}
      data-take-id={card.id}
      tabIndex={isFocused || isTabStop ? 0 : -1}
      onClick={onClick}
      onFocus={() => {
        if (!isFocused) focus(card.id);
      }}
      onDoubleClick={() => openOverlay({ kind: 'loupe', takeId: card.id })}
    >
      <span className="visually-hidden">{label}</span>
      <div className="card-body" aria-hidden="true">
        <Poster card={card} credits={isReviewer ? null : `${fmtCredits(card.credits)} cr`} />
        <div className="card-line">
          <span className="card-number" title={card.sourceNumber ? `Take ${card.number}, made from take ${card.sourceNumber}` : `Take ${card.number} of this shot`}>
            T{card.number}
            {card.sourceNumber ? <span className="card-stack"> ↳{card.sourceNumber}</span> : null}
          </span>
          <span className="card-model" title={card.model}>
            {card.model}
          </span>
        </div>
        {showShot && <div className="card-shot muted">{showShot}</div>}
        <div className="card-checks" aria-label={checkSummary(card)}>
          {card.checkStatus === 'pending' ? (
            <span className="chip pending">checking…</span>
          ) : card.checks ? (
            card.checks.map((c) => (
              <span key={c.name} className={`chk ${c.ok ? 'ok' : 'bad'}`} title={c.ok ? `${c.name}: ok` : (c.detail ?? c.name)}>
                {c.ok ? '✓' : '✗'}
                {CHECK_SHORT[c.name] ?? c.name}
              </span>
            ))
          ) : (
            <span className="chip bad">check {card.checkStatus}</span>
          )}
        </div>
        {failed.length > 0 && <div className="card-why">{failed[0]!.detail}</div>}
        <div className="card-tags">
          {groupTags(card).map((g) => (
            <span key={g.tag} className={`tag tag-${g.tag}`} title={g.reason ?? undefined}>
              {g.tag} · {g.authors.join(', ')}
            </span>
          ))}
          {card.stars.length > 0 && (
            <span className="chip stars" title={`mean of ${card.stars.length} rating${card.stars.length === 1 ? '' : 's'}`}>
              ★ {meanStars(card.stars)}
            </span>
          )}
          {card.override && <span className="chip">{card.override === 'in' ? 'forced in' : 'kept out'}</span>}
          {card.comments > 0 && <span className="chip">💬 {card.comments}</span>}
          {isSwept && (
            <span className="chip bad" title="Retention removed this take's file; its params and poster remain.">
              file swept
            </span>
          )}
          {card.stage === 'shortlist' || card.isShortlisted ? <span className="chip score">score {card.score}</span> : null}
        </div>
        {card.release && (
          <div className="card-release">
            {card.release.takeId ? (
              <span>release {card.release.checkStatus === 'passed' ? 'checked ✓' : (card.release.checkStatus ?? 'ready')}</span>
            ) : card.release.status === 'failed' ? (
              <span className="danger-text">release failed</span>
            ) : (
              <Progress value={releaseProgress ?? 0} label={`Release render of take ${card.number}`} />
            )}
          </div>
        )}
      </div>
    </div>
  );
}, sameProps);

/** Re-derivation makes new card objects; a card re-renders only when something it shows changed. */
function sameProps(a: Props, b: Props): boolean {
  if (a.isFocused !== b.isFocused || a.isTabStop !== b.isTabStop || a.isSelected !== b.isSelected || a.showShot !== b.showShot) return false;
  if (a.card === b.card) return true;
  const x = a.card;
  const y = b.card;
  return (
    x.id === y.id &&
    x.tags === y.tags &&
    x.stars === y.stars &&
    x.checks === y.checks &&
    x.checkStatus === y.checkStatus &&
    x.stage === y.stage &&
    x.score === y.score &&
    x.isShortlisted === y.isShortlisted &&
    x.override === y.override &&
    x.comments === y.comments &&
    x.release === y.release &&
    x.artifactId === y.artifactId &&
    x.credits === y.credits &&
    x.durationSec === y.durationSec &&
    x.model === y.model &&
    x.n === y.n &&
    x.number === y.number &&
    x.sourceNumber === y.sourceNumber
  );
}

function checkSummary(card: TakeCard): string {
  if (card.checkStatus === 'pending') return 'Auto-check pending';
  const bad = card.checks?.filter((c) => !c.ok).map((c) => c.name) ?? [];
  return bad.length === 0 ? `Checks passed` : `Checks failed: ${bad.join(', ')}`;
}

function groupTags(card: TakeCard): { tag: string; authors: string[]; reason: string | null }[] {
  const by = new Map<string, { tag: string; authors: string[]; reason: string | null }>();
  for (const t of card.tags) {
    const g = by.get(t.tag) ?? { tag: t.tag, authors: [], reason: null };
    g.authors.push(t.author);
    if (t.reason) g.reason = t.reason;
    by.set(t.tag, g);
  }
  return [...by.values()];
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">{fmtPercent(value)}</span>
    </div>
  );
}

/** The poster (made on first view) and, on hover, a scrub through the sprite's frames. */
/** `credits` (null for reviewers) sits in the poster's corner, so the model keeps the line below whole. */
function Poster({ card, credits }: { card: TakeCard; credits: string | null }) {
  const door = useAppStore((s) => s.mediaDoor);
  const thumbs = useAppStore((s) => (card.artifactId ? s.thumbs[card.artifactId] : undefined));
  const loadThumbs = useAppStore((s) => s.loadThumbs);
  const [scrub, setScrub] = useState<number | null>(null);
  const [isBroken, setBroken] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (card.artifactId && thumbs === undefined) void loadThumbs(card.artifactId);
  }, [card.artifactId, thumbs, loadThumbs]);
  if (!card.artifactId || typeof thumbs !== 'object' || isBroken) {
    return (
      <div className={`poster placeholder${thumbs === 'loading' ? ' generating' : ''}`} aria-hidden="true">
        {credits !== null && <CreditsBadge text={credits} />}
        <span className="poster-dur">{fmtSec(card.durationSec)}</span>
      </div>
    );
  }
  const cls = card.artifactClass;
  const onMove = (e: MouseEvent) => {
    const box = boxRef.current?.getBoundingClientRect();
    if (!box) return;
    setScrub(Math.min(thumbs.frames - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * thumbs.frames))));
  };
  let sprite: CSSProperties | null = null;
  if (scrub !== null && boxRef.current) {
    const w = boxRef.current.clientWidth;
    const scale = w / thumbs.frameWidth;
    const col = scrub % thumbs.columns;
    const row = Math.floor(scrub / thumbs.columns);
    sprite = {
      backgroundImage: `url("${mediaUrl(door, cls, thumbs.spriteId)}")`,
      backgroundSize: `${thumbs.columns * w}px ${thumbs.rows * thumbs.frameHeight * scale}px`,
      backgroundPosition: `${-col * w}px ${-row * thumbs.frameHeight * scale}px`,
    };
  }
  return (
    <div ref={boxRef} className="poster" onMouseMove={onMove} onMouseLeave={() => setScrub(null)}>
      <img src={mediaUrl(door, cls, thumbs.posterId)} alt="" draggable={false} onError={() => setBroken(true)} />
      {sprite && <div className="scrub" style={sprite} data-frame={scrub} />}
      {scrub !== null && <span className="scrub-time">{(scrub * thumbs.intervalSec).toFixed(1)} s</span>}
      {credits !== null && <CreditsBadge text={credits} />}
      <span className="poster-dur">{fmtSec(card.durationSec)}</span>
    </div>
  );
}

function CreditsBadge({ text }: { text: string }) {
  return (
    <span className="card-credits poster-credits" title="credits this take cost">
      {text}
    </span>
  );
}
