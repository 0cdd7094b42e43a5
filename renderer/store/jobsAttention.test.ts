import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/contract/jobs';
import { createApi } from '../api/client';
import { PROJECT, SHOT } from '../../test/support/fakeBoard';
import { FakeTransport } from '../../test/support/fakeTransport';
import { connectEvents, createAppStore } from './index';
import { jobTrouble } from './jobTrouble';
import { selectNeedsDecision } from './selectors';

const task = { n: 0, status: 'submitted' as const, providerTaskId: 't', providerStatus: 'RUNNING', progress: 0.2, costCredits: null, failureCode: null, failure: null, takeId: null };
function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id, projectId: PROJECT.id, shotId: SHOT.id, provider: 'local', model: 'gen4_turbo', artifactClass: 'preview', variations: 1, durationSec: 5, ratio: '1280:720',
    paramsHash: 'abc', status: 'running', isCancelRequested: false, priority: 0, attempts: 1, maxAttempts: 3, nextAttemptAt: 0, estimatedCredits: 25, reservedCredits: 25,
    capturedCredits: null, creditsSaved: 0, creditsBefore: null, creditsAfter: null, cacheOfJobId: null, sourceTakeId: null, errorCode: null, errorMessage: null, submittedBy: null,
    createdAt: 1, startedAt: 2, finishedAt: null, tasks: [task], ...over,
  };
}

function setup(handlers: ConstructorParameters<typeof FakeTransport>[0] = {}) {
  const transport = new FakeTransport(handlers);
  const api = createApi(transport);
  const store = createAppStore({ role: 'owner' }, api);
  connectEvents(store, api);
  return { store, transport };
}

describe('jobs that need a decision', () => {
  it('a job turning failed or UNKNOWN raises one toast in plain words; one already failed at load does not', async () => {
    const old = job('job_0000000000old', { status: 'failed', errorCode: 'RETRIES_EXHAUSTED' });
    const { store, transport } = setup({ 'jobs.deadLetters': () => [old], 'jobs.list': () => [] });
    await store.getState().loadAttention();
    expect(store.getState().notices).toHaveLength(0);
    expect(selectNeedsDecision(store.getState())).toBe(1);

    transport.emit('jobs.changed', { job: job('job_00000000000a') });
    transport.emit('jobs.changed', { job: job('job_00000000000a', { status: 'failed', errorCode: 'SAFETY.INPUT.TEXT' }) });
    expect(store.getState().notices.map((n) => [n.kind, n.text])).toEqual([['error', expect.stringContaining("moderation refused the prompt")]]);
    expect(selectNeedsDecision(store.getState())).toBe(2);

    transport.emit('jobs.changed', { job: job('job_00000000000b') });
    transport.emit('jobs.changed', { job: job('job_00000000000b', { status: 'unknown' }) });
    expect(store.getState().notices.at(-1)!.text).toMatch(/needs a decision/);
    expect(selectNeedsDecision(store.getState())).toBe(3);

    // Another process's job that failed at once arrives as one snapshot, already failed: still news.
    // The dead letter known at load, heard of again, is not.
    transport.emit('jobs.changed', { job: job('job_00000000000c', { status: 'failed', errorCode: 'ASSET.INVALID' }) });
    expect(store.getState().notices).toHaveLength(3);
    transport.emit('jobs.changed', { job: old });
    expect(store.getState().notices).toHaveLength(3);
    expect(selectNeedsDecision(store.getState())).toBe(4);
    transport.emit('jobs.changed', { job: job('job_00000000000c', { status: 'discarded' }) });

    // Settled (discarded, resolved): off the count.
    transport.emit('jobs.changed', { job: job('job_00000000000a', { status: 'discarded' }) });
    transport.emit('jobs.changed', { job: job('job_00000000000b', { status: 'queued' }) });
    expect(selectNeedsDecision(store.getState())).toBe(1);
  });

  it('says whose side a failure is on, and whether the prompt needs an edit', () => {
    expect(jobTrouble(job('job_00000000000c', { status: 'failed', errorCode: 'RETRIES_EXHAUSTED' }))).toMatchObject({ isInputProblem: false, reason: expect.stringContaining('not the problem') });
    expect(jobTrouble(job('job_00000000000c', { status: 'failed', errorCode: 'ASSET.INVALID' }))).toMatchObject({ isInputProblem: true });
    expect(jobTrouble(job('job_00000000000c', { status: 'failed', errorCode: null, tasks: [{ ...task, failureCode: 'SAFETY.OUTPUT.VIDEO' }] }))).toMatchObject({ isInputProblem: true });
    expect(jobTrouble(job('job_00000000000c', { status: 'unknown' })).reason).toMatch(/resubmit and maybe pay twice/);
  });
});
