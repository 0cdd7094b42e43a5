import { memo } from 'react';
import type { DraftCard } from '../../../shared/contract/board';
import { useAppStore } from '../../store';
import { fmtCredits, fmtSec } from '../format';
import { Progress } from './TakeCardView';

/** Why a variation is not rendering yet, in words (a throttled one waits for the provider). */
function waitingText(d: DraftCard): string | null {
  if (d.jobStatus === 'queued') return 'waiting in the queue';
  if (d.jobStatus === 'paused') return 'paused';
  if (d.jobStatus === 'unknown') return 'outcome unknown — see Queue';
  if (d.isThrottled) return 'waiting for the provider (at its limit)';
  return null;
}

/** A variation still generating: model, duration, estimated credits (not for reviewers) and progress. */
export const DraftCardView = memo(function DraftCardView({ draft, showShot }: { draft: DraftCard; showShot: string | null }) {
  const isReviewer = useAppStore((s) => s.role === 'reviewer');
  const waiting = waitingText(draft);
  return (
    <div className="card draft" role="option" aria-selected={false}>
      <span className="visually-hidden">{`Draft: variation ${draft.n + 1} of ${draft.model}, ${waiting ?? draft.jobStatus}`}</span>
      <div className="card-body" aria-hidden="true">
        <div className="poster placeholder generating">
          <span className="poster-dur">{fmtSec(draft.durationSec)}</span>
        </div>
        <div className="card-line">
          <span className="card-model">{draft.model}</span>
          {!isReviewer && <span className="card-credits">~{fmtCredits(draft.credits)} cr</span>}
        </div>
        {showShot && <div className="card-shot muted">{showShot}</div>}
        <div className="card-line muted">
          variation {draft.n + 1}
          {draft.provider === 'local' ? ' · simulated' : ''}
        </div>
        {waiting ? <div className="muted">{waiting}</div> : <Progress value={draft.progress ?? 0} label={`Generating variation ${draft.n + 1}`} />}
      </div>
    </div>
  );
});
