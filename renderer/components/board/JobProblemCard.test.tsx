// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/contract/jobs';
import { PROJECT, SHOT } from '../../../test/support/fakeBoard';
import { renderWithStore } from '../../../test/support/renderApp';
import { JobProblemCard } from './JobProblemCard';

afterEach(cleanup);

const task = { n: 0, status: 'failed' as const, providerTaskId: 't', providerStatus: 'FAILED', progress: null, costCredits: null, failureCode: null, failure: null, takeId: null };
function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id, projectId: PROJECT.id, shotId: SHOT.id, provider: 'local', model: 'gen4_turbo', artifactClass: 'preview', variations: 1, durationSec: 5, ratio: '1280:720',
    paramsHash: 'abc', status: 'failed', isCancelRequested: false, priority: 0, attempts: 3, maxAttempts: 3, nextAttemptAt: 0, estimatedCredits: 25, reservedCredits: 25,
    capturedCredits: null, creditsSaved: 0, creditsBefore: null, creditsAfter: null, cacheOfJobId: null, sourceTakeId: null, errorCode: 'PROVIDER_FAILED', errorMessage: 'refused', submittedBy: null,
    createdAt: 1, startedAt: 1, finishedAt: 2, tasks: [task], ...over,
  };
}

const show = (j: Job, role: 'owner' | 'filmmaker') => renderWithStore(<JobProblemCard job={j} showShot={null} onEdit={() => undefined} />, {}, { role });

describe('JobProblemCard by role', () => {
  it('gives the owner every way to settle a failed or unknown job', () => {
    show(job('job_00000000fail'), 'owner');
    expect(screen.getByRole('button', { name: /Discard failed/ })).toBeTruthy();
    cleanup();
    show(job('job_00000000unk1', { status: 'unknown' }), 'owner');
    expect(screen.getByRole('button', { name: 'Treat as not created' })).toBeTruthy();
  });

  it('offers a studio filmmaker edit and retry, but not the admin\'s discard or settling an unknown create', () => {
    show(job('job_00000000fail'), 'filmmaker');
    expect(screen.getByRole('button', { name: 'Edit & retry' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Discard failed/ })).toBeNull();
    cleanup();
    show(job('job_00000000unk1', { status: 'unknown' }), 'filmmaker');
    expect(screen.queryByRole('button', { name: /Treat as not created|Resubmit/ })).toBeNull();
    expect(screen.getByText('An admin decides whether it was made.')).toBeTruthy();
  });
});
