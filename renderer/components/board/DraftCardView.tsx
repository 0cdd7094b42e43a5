import { memo } from 'react';
import type { DraftCard } from '../../../shared/contract/board';
import { fmtCredits, fmtSec } from '../format';
import { Progress } from './TakeCardView';

/** A variation still generating: model, duration, estimated credits and progress. */
export const DraftCardView = memo(function DraftCardView({ draft, showShot }: { draft: DraftCard; showShot: string | null }) {
  const waiting = draft.jobStatus === 'queued' ? 'waiting in the queue' : draft.jobStatus === 'paused' ? 'paused' : draft.jobStatus === 'unknown' ? 'outcome unknown — see Queue' : null;
  return (
    <div className="card draft" role="option" aria-selected={false} aria-label={`Draft: variation ${draft.n + 1} of ${draft.model}, ${draft.jobStatus}`}>
      <div className="poster placeholder generating" aria-hidden="true" />
      <div className="card-line">
        <span className="card-model">{draft.model}</span>
        <span>{fmtSec(draft.durationSec)}</span>
        <span className="card-credits">~{fmtCredits(draft.credits)} cr</span>
      </div>
      {showShot && <div className="card-shot muted">{showShot}</div>}
      <div className="card-line muted">
        variation {draft.n + 1}
        {draft.provider === 'local' ? ' · simulated' : ''}
      </div>
      {waiting ? <div className="muted">{waiting}</div> : <Progress value={draft.progress ?? 0} label={`Generating variation ${draft.n + 1}`} />}
    </div>
  );
});
