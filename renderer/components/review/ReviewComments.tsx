import { useEffect, useState, type FormEvent } from 'react';
import type { Comment } from '../../../shared/contract/board';
import type { Shape, ShapeKind } from '../../../shared/contract/drawing';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtTime } from '../format';
import { fmtTimecode, snapToFrame } from './timecode';

interface Props {
  takeId: string;
  /** The player's time now, in seconds. */
  time: number;
  /** Shapes drawn on the frame for the next comment. */
  pending: readonly Shape[];
  tool: ShapeKind | null;
  setTool(t: ShapeKind | null): void;
  clearPending(): void;
  /** Seek to a comment's frame and show its drawing. */
  onShow(c: Comment): void;
  shownId: string | null;
}

const TOOLS: { kind: ShapeKind; label: string }[] = [
  { kind: 'arrow', label: 'Arrow' },
  { kind: 'box', label: 'Box' },
  { kind: 'freehand', label: 'Freehand' },
];

/**
 * Frame-accurate comments: each carries the frame it was made on (optional), an optional range end,
 * and the drawing made on that frame. Clicking a comment's timecode seeks there and shows its drawing.
 */
export function ReviewComments({ takeId, time, pending, tool, setTool, clearPending, onShow, shownId }: Props) {
  const comments = useAppStore((s) => s.comments[takeId]);
  const { loadComments, addComment, deleteComment, notify } = useAppStore((s) => s);
  const [body, setBody] = useState('');
  const [isAtFrame, setAtFrame] = useState(true);
  const [endSec, setEndSec] = useState<number | null>(null);
  useEffect(() => {
    loadComments(takeId).catch((e: unknown) => notify('error', errorText(e)));
  }, [takeId, loadComments, notify]);
  const atSec = snapToFrame(time);
  const hasRange = isAtFrame && endSec !== null && endSec > atSec;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const at = isAtFrame || pending.length > 0 ? { atSec, ...(hasRange ? { endSec } : {}), ...(pending.length > 0 ? { drawing: { shapes: [...pending] } } : {}) } : {};
    addComment(takeId, body, at).then(
      () => {
        setBody('');
        setEndSec(null);
        setTool(null);
        clearPending();
      },
      (err: unknown) => notify('error', errorText(err)),
    );
  };
  return (
    <section className="comments" aria-label="Comments">
      <h3>Comments</h3>
      <ol className="comment-list">
        {(comments ?? []).map((c) => (
          <li key={c.id} className={c.id === shownId ? 'shown' : undefined}>
            {c.atSec !== null ? (
              <button type="button" className="timecode" aria-label={`Go to ${fmtTimecode(c.atSec)}: ${c.body}`} onClick={() => onShow(c)}>
                {fmtTimecode(c.atSec)}
                {c.endSec !== null ? `–${fmtTimecode(c.endSec)}` : ''}
                {c.drawing ? ' ✎' : ''}
              </button>
            ) : (
              <span className="muted">whole take</span>
            )}{' '}
            <strong>{c.author}</strong> <span className="muted">{fmtTime(c.createdAt)}</span>
            <p>{c.body}</p>
            <button type="button" className="ghost small" aria-label={`Delete comment by ${c.author}`} onClick={() => void deleteComment(takeId, c.id).catch((e: unknown) => notify('error', errorText(e)))}>
              Delete
            </button>
          </li>
        ))}
      </ol>
      <form onSubmit={onSubmit} className="comment-form">
        <div className="row" role="group" aria-label="Draw on the frame">
          {TOOLS.map((t) => (
            <button key={t.kind} type="button" className="small" aria-pressed={tool === t.kind} onClick={() => setTool(tool === t.kind ? null : t.kind)}>
              {t.label}
            </button>
          ))}
          <button type="button" className="small ghost" disabled={pending.length === 0} onClick={clearPending}>
            Clear drawing
          </button>
          {pending.length > 0 && <span className="muted">{pending.length} shape{pending.length === 1 ? '' : 's'}</span>}
        </div>
        <div className="row">
          <label className="inline">
            <input type="checkbox" checked={isAtFrame || pending.length > 0} disabled={pending.length > 0} onChange={(e) => setAtFrame(e.target.checked)} /> At {fmtTimecode(atSec)}
          </label>
          <button type="button" className="small" disabled={!isAtFrame} onClick={() => setEndSec(endSec === null ? snapToFrame(time) : null)}>
            {endSec === null ? 'Mark range end here' : `Range to ${fmtTimecode(endSec)} ×`}
          </button>
          {isAtFrame && endSec !== null && !hasRange && <span className="muted">step back before the range end to comment on the range</span>}
        </div>
        <div className="row">
          <input aria-label="New comment" value={body} maxLength={4000} onChange={(e) => setBody(e.target.value)} placeholder="Add a comment" />
          <button type="submit" disabled={body.trim() === ''}>
            Comment
          </button>
        </div>
      </form>
    </section>
  );
}
