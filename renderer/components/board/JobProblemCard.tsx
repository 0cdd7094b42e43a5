import { memo, useId } from 'react';
import type { Job } from '../../../shared/contract/jobs';
import { useAppStore } from '../../store';
import { can, mayActOnJob } from '../../store/access';
import { jobTrouble } from '../../store/jobTrouble';
import { errorText } from '../errorText';
import { fmtSec } from '../format';

/**
 * A job that needs a decision, kept on the board where the user is: a dead letter (failed after its
 * retries) or an UNKNOWN create. Says why in plain words and offers the actions that settle it.
 */
export const JobProblemCard = memo(function JobProblemCard({ job, showShot, onEdit }: { job: Job; showShot: string | null; onEdit(job: Job): void }) {
  const { jobAction, resolveUnknown, notify } = useAppStore((s) => s);
  // Settling an unknown create and discarding a dead letter are an admin's; a filmmaker edits and retries.
  const mayResolve = useAppStore((s) => can(s, 'jobs.resolveUnknown'));
  const mayDiscard = useAppStore((s) => can(s, 'jobs.discard'));
  // A filmmaker retries its own jobs in place; another member's failure is shown with no Retry the studio would refuse.
  const mayRetry = useAppStore((s) => mayActOnJob(s, 'jobs.retry', job));
  const whyId = useId();
  const trouble = jobTrouble(job);
  const act = (p: Promise<void>, done: string) => void p.then(() => notify('info', done), (e: unknown) => notify('error', errorText(e)));
  const isUnknown = job.status === 'unknown';
  const what = `${job.variations}× ${job.model}${job.artifactClass === 'release' ? ' release re-render' : ''}`;
  return (
    <li className="problem" aria-label={`${isUnknown ? 'Needs a decision' : 'Failed'}: ${what}`} aria-describedby={whyId} data-job-id={job.id}>
      <div className="card-line">
        <span className="card-model">{job.model}</span>
        <span>{fmtSec(job.durationSec)}</span>
        <span className="chip bad">{isUnknown ? 'unknown' : 'failed'}</span>
      </div>
      {showShot && <div className="card-shot muted">{showShot}</div>}
      <p id={whyId} className="problem-why">
        {trouble.reason}
      </p>
      <div className="problem-actions">
        {isUnknown ? (
          mayResolve ? (
            <>
              <button type="button" className="small" onClick={() => act(resolveUnknown(job.id, 'abandon'), 'Settled as not created; its reservation is released.')}>
                Treat as not created
              </button>
              <button type="button" className="small" onClick={() => act(resolveUnknown(job.id, 'resubmit'), 'Resubmitted.')}>
                Resubmit (may pay twice)
              </button>
            </>
          ) : (
            <span className="muted small">An admin decides whether it was made.</span>
          )
        ) : (
          <>
            {/* Edit & retry drafts a new job of one's own from this one's settings: anyone who generates may. */}
            <button type="button" className="small primary" onClick={() => onEdit(job)}>
              Edit &amp; retry
            </button>
            {mayRetry && !trouble.isInputProblem && (
              <button type="button" className="small" onClick={() => act(jobAction('retry', job.id), 'Retrying: the job is back in the queue.')}>
                Retry
              </button>
            )}
            {mayDiscard && (
              <button type="button" className="small" aria-label={`Discard failed ${job.model} job`} onClick={() => act(jobAction('discard', job.id), 'Discarded the failed job.')}>
                Discard
              </button>
            )}
          </>
        )}
      </div>
    </li>
  );
});

const SHOWN = 3;

/** The open project's jobs that need a decision, at the top of the Draft column (the rest in Queue). */
export function JobProblems({ jobs, shotName, onEdit }: { jobs: readonly Job[]; shotName(id: string): string | null; onEdit(job: Job): void }) {
  const setTab = useAppStore((s) => s.setTab);
  if (jobs.length === 0) return null;
  return (
    <>
      <ul className="problem-list" aria-label="Jobs that need a decision">
        {jobs.slice(0, SHOWN).map((j) => (
          <JobProblemCard key={j.id} job={j} showShot={shotName(j.shotId)} onEdit={onEdit} />
        ))}
      </ul>
      {jobs.length > SHOWN && (
        <button type="button" className="ghost small" onClick={() => setTab('queue')}>
          {jobs.length - SHOWN} more in Queue
        </button>
      )}
    </>
  );
}
