import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { TakeCard } from '../../../shared/contract/board';
import { mediaUrl } from '../../../shared/contract/media';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits, fmtSec, fmtTime } from '../format';

/** Frame rate the local provider renders at; stepping uses it when the file cannot tell. */
const FPS = 24;

/** The take's media URL, or null when it has no file (never stored, or swept by retention). */
function useSrc(card: TakeCard): string | null {
  const door = useAppStore((s) => s.mediaDoor);
  const isSwept = useAppStore((s) => (card.artifactId ? s.swept[card.artifactId] !== undefined : false));
  const checkArtifact = useAppStore((s) => s.checkArtifact);
  useEffect(() => {
    if (card.artifactId) checkArtifact(card.artifactId).catch((e: unknown) => console.warn('circletake: could not look up', card.artifactId, e));
  }, [card.artifactId, checkArtifact]);
  return card.artifactId && !isSwept ? mediaUrl(door, card.artifactClass, card.artifactId) : null;
}

function step(videos: readonly (HTMLVideoElement | null)[], frames: number) {
  for (const v of videos) {
    if (!v) continue;
    v.pause();
    v.currentTime = Math.max(0, Math.min(v.duration || Infinity, v.currentTime + frames / FPS));
  }
}

/** , and . step a frame back and forward while the player is open. */
function useFrameKeys(videos: RefObject<HTMLVideoElement | null>[]) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea')) return;
      if (e.key === ',' || e.key === '.') {
        e.preventDefault();
        step(
          videos.map((r) => r.current),
          e.key === ',' ? -1 : 1,
        );
      } else if (e.key === ' ' || e.key === 'k') {
        e.preventDefault();
        const first = videos[0]?.current;
        const isPaused = first?.paused ?? true;
        for (const r of videos) void (isPaused ? r.current?.play() : r.current?.pause());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [videos]);
}

function FrameControls({ videos, frame }: { videos: RefObject<HTMLVideoElement | null>[]; frame: number }) {
  return (
    <div className="row frame-controls">
      <button type="button" onClick={() => step(videos.map((r) => r.current), -1)}>
        ‹ Previous frame
      </button>
      <button type="button" onClick={() => videos.forEach((r) => void (r.current?.paused ? r.current.play() : r.current?.pause()))}>
        Play / pause
      </button>
      <button type="button" onClick={() => step(videos.map((r) => r.current), 1)}>
        Next frame ›
      </button>
      <span className="muted" aria-live="polite">
        frame {frame} ({FPS} fps)
      </span>
    </div>
  );
}

export function PlayerView({ card }: { card: TakeCard }) {
  const role = useAppStore((s) => s.role);
  const isReviewer = role === 'reviewer';
  const { reuseTake, notify } = useAppStore((s) => s);
  const ref = useRef<HTMLVideoElement>(null);
  const [frame, setFrame] = useState(0);
  const src = useSrc(card);
  const refs = useRef([ref]).current;
  useFrameKeys(refs);
  return (
    <div className="player">
      {src ? (
        <video ref={ref} src={src} controls preload="auto" onTimeUpdate={(e) => setFrame(Math.round(e.currentTarget.currentTime * FPS))} onSeeked={(e) => setFrame(Math.round(e.currentTarget.currentTime * FPS))} />
      ) : (
        <div className="poster placeholder big">This take has no file: retention removed it (its params and poster remain).</div>
      )}
      <FrameControls videos={refs} frame={frame} />
      <div className="player-info">
        {role === 'owner' && (
          <button type="button" className="primary small" onClick={() => void reuseTake(card.id).catch((e: unknown) => notify('error', errorText(e)))}>
            Reuse settings
          </button>
        )}
        <dl>
          <dt>Version</dt>
          <dd>
            take {card.number} of this shot{card.sourceNumber ? `, made from take ${card.sourceNumber}` : ''}
          </dd>
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
        <ul className="check-list">
          {(card.checks ?? []).map((c) => (
            <li key={c.name} className={c.ok ? 'ok' : 'bad'}>
              {c.ok ? '✓' : '✗'} {c.name}
              {c.detail ? ` — ${c.detail}` : ''}
            </li>
          ))}
        </ul>
        <Comments takeId={card.id} />
      </div>
    </div>
  );
}

export function CompareView({ a, b }: { a: TakeCard; b: TakeCard }) {
  const ra = useRef<HTMLVideoElement>(null);
  const rb = useRef<HTMLVideoElement>(null);
  const refs = useRef([ra, rb]).current;
  const [frame, setFrame] = useState(0);
  const sa = useSrc(a);
  const sb = useSrc(b);
  useFrameKeys(refs);
  const sync = () => {
    if (ra.current && rb.current && Math.abs(ra.current.currentTime - rb.current.currentTime) > 0.5 / FPS) rb.current.currentTime = ra.current.currentTime;
  };
  return (
    <div className="compare">
      <div className="compare-pair">
        {[
          { card: a, src: sa, ref: ra },
          { card: b, src: sb, ref: rb },
        ].map(({ card, src, ref }, i) => (
          <figure key={card.id}>
            {src ? (
              <video
                ref={ref}
                src={src}
                preload="auto"
                muted={i === 1}
                onSeeked={i === 0 ? sync : undefined}
                onPlay={i === 0 ? () => void rb.current?.play() : undefined}
                onPause={i === 0 ? () => rb.current?.pause() : undefined}
                onTimeUpdate={i === 0 ? (e) => setFrame(Math.round(e.currentTarget.currentTime * FPS)) : undefined}
              />
            ) : (
              <div className="poster placeholder big">No file</div>
            )}
            <figcaption>
              Take {card.number} · {card.model} · score {card.score} · {card.tags.map((t) => `${t.tag} (${t.author})`).join(', ') || 'untagged'}
            </figcaption>
          </figure>
        ))}
      </div>
      <FrameControls videos={refs} frame={frame} />
    </div>
  );
}

function Comments({ takeId }: { takeId: string }) {
  const comments = useAppStore((s) => s.comments[takeId]);
  const { loadComments, addComment, deleteComment, notify } = useAppStore((s) => s);
  const [body, setBody] = useState('');
  useEffect(() => {
    loadComments(takeId).catch((e: unknown) => notify('error', errorText(e)));
  }, [takeId, loadComments, notify]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    addComment(takeId, body).then(
      () => setBody(''),
      (err: unknown) => notify('error', errorText(err)),
    );
  };
  return (
    <section className="comments" aria-label="Comments">
      <h3>Comments</h3>
      <ul>
        {(comments ?? []).map((c) => (
          <li key={c.id}>
            <strong>{c.author}</strong> <span className="muted">{fmtTime(c.createdAt)}</span>
            <p>{c.body}</p>
            <button type="button" className="ghost small" aria-label={`Delete comment by ${c.author}`} onClick={() => void deleteComment(takeId, c.id).catch((e: unknown) => notify('error', errorText(e)))}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={onSubmit} className="row">
        <input aria-label="New comment" value={body} maxLength={4000} onChange={(e) => setBody(e.target.value)} placeholder="Add a comment" />
        <button type="submit" disabled={body.trim() === ''} title={body.trim() === '' ? 'Type a comment first.' : undefined}>
          Comment
        </button>
      </form>
    </section>
  );
}
