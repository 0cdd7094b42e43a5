import { useEffect, useMemo } from 'react';
import type { Job } from '../../shared/contract/jobs';
import { jobProgress } from '../../shared/board/derive';
import { useAppStore } from '../store';
import { can, mayActOnJob } from '../store/access';
import type { CallName } from '../../shared/contract';
import { Progress } from './board/TakeCardView';
import { errorText } from './errorText';
import { fmtCredits, fmtTime } from './format';

type Group = 'running' | 'throttled' | 'waiting' | 'unknown';
const GROUPS: { key: Group; title: string; empty: string }[] = [
  { key: 'running', title: 'Running', empty: 'Nothing running.' },
  { key: 'throttled', title: 'Throttled', empty: 'No provider is holding work back.' },
  { key: 'waiting', title: 'Waiting', empty: 'Nothing waiting.' },
  { key: 'unknown', title: 'Outcome unknown', empty: 'None.' },
];

function groupOf(j: Job): Group | null {
  switch (j.status) {
    case 'running':
      return j.tasks.some((t) => t.providerStatus === 'THROTTLED') ? 'throttled' : 'running';
    case 'queued':
    case 'paused':
      return 'waiting';
    case 'unknown':
      return 'unknown';
    default:
      return null;
  }
}

/** The queue: running, throttled, waiting and failed work with progress, cancel and retry; breaker banners; dead letters. */
export function QueuePanel() {
  const jobs = useAppStore((s) => s.jobs);
  const status = useAppStore((s) => s.queueStatus);
  const dead = useAppStore((s) => s.deadLetters);
  const { loadQueue, jobAction, resolveUnknown, setQueuePaused, notify } = useAppStore((s) => s);
  // Each control only where the session may make its call (a producer watches the queue; an admin runs it).
  const role = useAppStore((s) => s.role);
  const connection = useAppStore((s) => s.connection);
  const may = (name: CallName) => can({ role }, name);
  // A filmmaker cancels and retries its own jobs only (the studio refuses the others).
  const mayOn = (name: 'jobs.cancel' | 'jobs.retry', j: Job) => mayActOnJob({ role, connection }, name, j);
  // Why a filmmaker sees no button on a job: it is someone else's.
  const isOthers = (j: Job) => role === 'filmmaker' && connection?.member != null && j.submittedBy !== connection.member.id;
  useEffect(() => {
    loadQueue().catch((e: unknown) => notify('error', errorText(e)));
  }, [loadQueue, notify]);
  const grouped = useMemo(() => {
    const g: Record<Group, Job[]> = { running: [], throttled: [], waiting: [], unknown: [] };
    for (const j of Object.values(jobs)) {
      const k = groupOf(j);
      if (k) g[k].push(j);
    }
    g.waiting.sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt);
    return g;
  }, [jobs]);
  const act = (p: Promise<void>) => void p.catch((e: unknown) => notify('error', errorText(e)));
  const open = status?.breakers.filter((b) => b.state !== 'closed') ?? [];

  return (
    <section className="panel queue" aria-labelledby="queue-heading">
      <header className="panel-head">
        <h2 id="queue-heading">Queue</h2>
        {status && (
          <span className="muted">
            {status.running} running · up to {status.concurrency} at once{status.isPaused ? ' · paused' : ''}
          </span>
        )}
        {may('queue.pause') && (
          <button type="button" onClick={() => act(setQueuePaused(!status?.isPaused))}>
            {status?.isPaused ? 'Resume queue' : 'Pause queue'}
          </button>
        )}
      </header>
      {open.map((b) => (
        <div key={b.provider} className="banner" role="status">
          <strong>{b.provider} is having trouble</strong> — this is a problem on the provider's side, not with your prompt. Jobs wait and keep their
          reservations{b.retryAt ? `; the next try is at ${fmtTime(b.retryAt)}` : ''}.{b.reason ? ` (${b.reason})` : ''}
        </div>
      ))}
      {GROUPS.map((g) => (
        <section key={g.key} aria-label={g.title} className="queue-group">
          <h2>
            {g.title} <span className="count">{grouped[g.key].length}</span>
          </h2>
          {grouped[g.key].length === 0 ? (
            <p className="muted">{g.empty}</p>
          ) : (
            <ul className="job-list">
              {grouped[g.key].map((j) => (
                <li key={j.id} className="job">
                  <JobLine job={j} />
                  {g.key === 'running' || g.key === 'throttled' ? <Progress value={jobProgress(j) ?? 0} label={`Progress of ${j.model} job`} /> : null}
                  {g.key === 'throttled' && <p className="muted">The provider is at its concurrency limit; this counts as waiting.</p>}
                  <div className="row">
                    {g.key === 'waiting' &&
                      may('jobs.pause') &&
                      (j.status === 'paused' ? (
                        <button type="button" className="small" onClick={() => act(jobAction('resume', j.id))}>
                          Resume
                        </button>
                      ) : (
                        <button type="button" className="small" onClick={() => act(jobAction('pause', j.id))}>
                          Pause
                        </button>
                      ))}
                    {g.key === 'unknown'
                      ? may('jobs.resolveUnknown') && (
                          <>
                            <button type="button" className="small" onClick={() => act(resolveUnknown(j.id, 'abandon'))}>
                              Treat as not created
                            </button>
                            <button type="button" className="small" onClick={() => act(resolveUnknown(j.id, 'resubmit'))}>
                              Resubmit (may pay twice)
                            </button>
                          </>
                        )
                      : mayOn('jobs.cancel', j)
                        ? (
                            <button type="button" className="small" aria-label={`Cancel ${j.model} job`} disabled={j.isCancelRequested} onClick={() => act(jobAction('cancel', j.id))}>
                              {j.isCancelRequested ? 'Cancelling…' : 'Cancel'}
                            </button>
                          )
                        : isOthers(j) && <span className="muted small">Another member's job</span>}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <section aria-label="Failed" className="queue-group">
        <h2>
          Failed <span className="count">{dead.length}</span>
        </h2>
        {dead.length === 0 ? (
          <p className="muted">No dead letters.</p>
        ) : (
          <ul className="job-list">
            {dead.map((j) => (
              <li key={j.id} className="job failed">
                <JobLine job={j} />
                <p className="field-error">
                  {j.errorCode ? `${j.errorCode}: ` : ''}
                  {j.errorMessage ?? 'failed'}
                </p>
                <p className="muted small">
                  params {j.paramsHash.slice(0, 12)} · created {fmtTime(j.createdAt)}
                  {j.finishedAt ? ` · failed ${fmtTime(j.finishedAt)}` : ''} · {j.attempts} attempt{j.attempts === 1 ? '' : 's'}
                </p>
                <div className="row">
                  {isOthers(j) && <span className="muted small">Another member's job</span>}
                  {mayOn('jobs.retry', j) && (
                    <button type="button" className="small" aria-label={`Retry ${j.model} job`} onClick={() => act(jobAction('retry', j.id))}>
                      Retry
                    </button>
                  )}
                  {may('jobs.discard') && (
                    <button type="button" className="small" aria-label={`Discard ${j.model} job`} onClick={() => act(jobAction('discard', j.id))}>
                      Discard
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

function JobLine({ job: j }: { job: Job }) {
  return (
    <div className="job-line">
      <strong>{j.model}</strong>
      <span>
        {j.variations}× {j.durationSec ?? '—'} s · {j.artifactClass}
      </span>
      <span>{j.provider === 'local' ? 'simulated' : j.provider}</span>
      <span>{fmtCredits(j.capturedCredits ?? j.reservedCredits)} cr</span>
      <span className="muted">{j.status}</span>
    </div>
  );
}
