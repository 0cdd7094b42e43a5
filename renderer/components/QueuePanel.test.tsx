// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/contract/jobs';
import { PROJECT, SHOT } from '../../test/support/fakeBoard';
import { renderWithStore } from '../../test/support/renderApp';
import { QueuePanel } from './QueuePanel';

afterEach(cleanup);

function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id,
    projectId: PROJECT.id,
    shotId: SHOT.id,
    provider: 'runway',
    model: 'gen4_turbo',
    artifactClass: 'preview',
    variations: 1,
    durationSec: 5,
    ratio: '1280:720',
    paramsHash: 'abcdef0123456789',
    status: 'queued',
    isCancelRequested: false,
    priority: 0,
    attempts: 0,
    maxAttempts: 3,
    nextAttemptAt: 0,
    estimatedCredits: 25,
    reservedCredits: 25,
    capturedCredits: null,
    creditsSaved: 0,
    creditsBefore: null,
    creditsAfter: null,
    cacheOfJobId: null,
    sourceTakeId: null,
    errorCode: null,
    errorMessage: null,
    submittedBy: null,
    createdAt: 1,
    startedAt: null,
    finishedAt: null,
    tasks: [{ n: 0, status: 'pending', providerTaskId: null, providerStatus: null, progress: null, costCredits: null, failureCode: null, failure: null, takeId: null }],
    ...over,
  };
}

describe('QueuePanel', () => {
  it('groups running, throttled, waiting and failed work, and retries a dead letter', async () => {
    const running = job('job_00000000run1', { status: 'running', tasks: [{ ...job('x').tasks[0]!, status: 'submitted', progress: 0.5, providerStatus: 'RUNNING' }] });
    const throttled = job('job_00000000thr1', { status: 'running', model: 'veo3.1', tasks: [{ ...job('x').tasks[0]!, status: 'submitted', providerStatus: 'THROTTLED' }] });
    const waiting = job('job_00000000wai1', { model: 'gen4.5' });
    const failed = job('job_00000000fail', { status: 'failed', model: 'act_two', errorCode: 'PROVIDER_FAILED', errorMessage: 'The provider refused the prompt (moderation).' });
    const retried = { ...failed, status: 'queued' as const, errorCode: null, errorMessage: null };
    const { transport } = renderWithStore(<QueuePanel />, {
      'jobs.list': () => [running, throttled, waiting, failed],
      'jobs.deadLetters': () => [failed],
      'queue.status': () => ({ isPaused: false, running: 2, concurrency: 2, breakers: [{ provider: 'runway', state: 'open', reason: 'failure rate 40 % over 10 min', retryAt: null }] }),
      'jobs.retry': () => retried,
    });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Running' })).getAllByRole('listitem')).toHaveLength(1));
    expect(within(screen.getByRole('region', { name: 'Running' })).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(within(screen.getByRole('region', { name: 'Throttled' })).getByText('veo3.1')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Waiting' })).getByText('gen4.5')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/runway is having trouble.*not with your prompt/);
    const failedRegion = screen.getByRole('region', { name: 'Failed' });
    expect(failedRegion.textContent).toContain('PROVIDER_FAILED: The provider refused the prompt');
    fireEvent.click(within(failedRegion).getByRole('button', { name: 'Retry act_two job' }));
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Failed' })).queryAllByRole('listitem')).toHaveLength(0));
    expect(transport.callsOf('jobs.retry')).toEqual([{ id: failed.id }]);
    expect(within(screen.getByRole('region', { name: 'Waiting' })).getByText('act_two')).toBeTruthy();
  });

  it('shows a producer the queue without the controls it may not use, and asks nothing it would be refused', async () => {
    const waiting = job('job_00000000wai1', { model: 'gen4.5' });
    const unknown = job('job_00000000unk1', { status: 'unknown', model: 'veo3.1' });
    const { transport } = renderWithStore(
      <QueuePanel />,
      {
        'jobs.list': () => [waiting, unknown],
        'queue.status': () => ({ isPaused: false, running: 0, concurrency: 2, breakers: [] }),
        // A producer asking for dead letters is refused (they are the filmmakers' to retry): the list would be lost with it.
        'jobs.deadLetters': () => {
          throw new Error('403: a producer may not call jobs.deadLetters');
        },
      },
      { role: 'producer' },
    );
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Waiting' })).getByText('gen4.5')).toBeTruthy());
    expect(transport.callsOf('jobs.deadLetters')).toEqual([]);
    expect(screen.queryByRole('button', { name: /queue$/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Pause|Resume|Cancel|Treat as not created|Resubmit)/ })).toBeNull();
  });

  it('offers a filmmaker Cancel and Retry on its own jobs only; an admin on every member\'s', async () => {
    const mine = job('job_00000000min1', { model: 'gen4.5', submittedBy: 'mem_fay' });
    const theirs = job('job_00000000oth1', { model: 'veo3.1', submittedBy: 'mem_gus' });
    const ownersOwn = job('job_00000000own1', { model: 'gen4_aleph', submittedBy: null });
    const mineFailed = job('job_00000000mf01', { status: 'failed', model: 'act_two', submittedBy: 'mem_fay' });
    const theirsFailed = job('job_00000000tf01', { status: 'failed', model: 'upscale_v1', submittedBy: 'mem_gus' });
    const handlers = {
      'jobs.list': () => [mine, theirs, ownersOwn],
      'jobs.deadLetters': () => [mineFailed, theirsFailed],
      'queue.status': () => ({ isPaused: false, running: 0, concurrency: 2, breakers: [] }),
    };
    const fay = { mode: 'studio' as const, studio: 'https://studio.example.com', member: { id: 'mem_fay', name: 'Fay', role: 'filmmaker' }, canSwitch: true };
    const r = renderWithStore(<QueuePanel />, handlers, { role: 'filmmaker', connection: fay });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Waiting' })).getByText('veo3.1')).toBeTruthy());
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Failed' })).getAllByRole('listitem')).toHaveLength(2));
    expect(screen.getAllByRole('button', { name: /^(Cancel|Retry) / }).map((b) => b.getAttribute('aria-label'))).toEqual(['Cancel gen4.5 job', 'Retry act_two job']);
    // The others say why there is no button (the owner's own job, and Gus's two).
    expect(screen.getAllByText('Another member\'s job')).toHaveLength(3);
    r.unmount();

    // The member id not known yet: a filmmaker is offered nothing it might be refused.
    const early = renderWithStore(<QueuePanel />, handlers, { role: 'filmmaker', connection: null });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Failed' })).getAllByRole('listitem')).toHaveLength(2));
    expect(screen.queryAllByRole('button', { name: /^(Cancel|Retry) / })).toEqual([]);
    early.unmount();

    renderWithStore(<QueuePanel />, handlers, { role: 'admin', connection: { ...fay, member: { id: 'mem_ada', name: 'Ada', role: 'admin' } } });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Failed' })).getAllByRole('listitem')).toHaveLength(2));
    expect(screen.getAllByRole('button', { name: /^(Cancel|Retry) / })).toHaveLength(5);
  });
});
