import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/contract/jobs';
import { createApi } from '../api/client';
import { fakeBoard, PROJECT, SHOT } from '../../test/support/fakeBoard';
import { FakeTransport } from '../../test/support/fakeTransport';
import { connectEvents, createAppStore } from './index';

// A read answered after a job's event must not put the job back as it was when the read was made. Seen
// in a clean-clone e2e run: a release render finished while a board view was on its way; the view's
// snapshot (running, 52 %) replaced the finished job, and its card showed "52 %" for good.
const task = { n: 0, status: 'submitted' as const, providerTaskId: 't', providerStatus: 'RUNNING', progress: 0.52, costCredits: null, failureCode: null, failure: null, takeId: null };
function job(over: Partial<Job> = {}): Job {
  return {
    id: 'job_0000000release', projectId: PROJECT.id, shotId: SHOT.id, provider: 'local', model: 'gen4_turbo', artifactClass: 'release', variations: 1, durationSec: 2, ratio: '1280:720',
    paramsHash: 'abc', status: 'running', isCancelRequested: false, priority: 0, attempts: 1, maxAttempts: 3, nextAttemptAt: 0, estimatedCredits: 10, reservedCredits: 10,
    capturedCredits: null, creditsSaved: 0, creditsBefore: null, creditsAfter: null, cacheOfJobId: null, sourceTakeId: 'tk_00000000000001', errorCode: null, errorMessage: null,
    submittedBy: null, createdAt: 1, startedAt: 2, finishedAt: null, tasks: [task], ...over,
  };
}
const done = () => job({ status: 'succeeded', capturedCredits: 10, finishedAt: 9, tasks: [{ ...task, status: 'succeeded', progress: 1, takeId: 'tk_00000000000009' }] });

/** A handler whose answer is held until release(): the read is "on its way" meanwhile. */
function held<T>(answer: T) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let asked!: () => void;
  const wasAsked = new Promise<void>((r) => (asked = r));
  return { handler: async () => (asked(), await gate, answer), release, wasAsked };
}

function setup(handlers: ConstructorParameters<typeof FakeTransport>[0]) {
  const transport = new FakeTransport(handlers);
  const api = createApi(transport);
  const store = createAppStore({ role: 'owner' }, api);
  connectEvents(store, api);
  return { store, transport };
}

describe('a job read in bulk while its events arrive', () => {
  it("a board view answered after the job's last event keeps the event's state", async () => {
    const board = fakeBoard([], { jobs: [job()] });
    const view = held(undefined);
    const answer = board.handlers['board.view']!;
    const { store, transport } = setup({
      ...board.handlers,
      'board.view': async (input) => {
        await view.handler();
        return answer(input);
      },
    });
    const loading = store.getState().loadBoard(PROJECT.id);
    await view.wasAsked;
    transport.emit('jobs.changed', { job: done() });
    view.release();
    await loading;
    expect(store.getState().jobs['job_0000000release']).toMatchObject({ status: 'succeeded', capturedCredits: 10 });
  });

  it('a queue list answered after the event keeps it too; with no event meanwhile, the list is taken as it is', async () => {
    const list = held([job()]);
    const { store, transport } = setup({ 'jobs.list': list.handler, 'queue.status': () => ({ isPaused: false, running: 1, concurrency: 2, breakers: [] }), 'jobs.deadLetters': () => [] });
    const loading = store.getState().loadQueue();
    await list.wasAsked;
    transport.emit('jobs.changed', { job: done() });
    list.release();
    await loading;
    expect(store.getState().jobs['job_0000000release']?.status).toBe('succeeded');
    // A later list, asked after that event, is newer than it: it is taken.
    const again = held([job({ status: 'queued', attempts: 0, tasks: [{ ...task, status: 'pending', progress: null }] })]);
    transport.handlers['jobs.list'] = again.handler;
    const next = store.getState().loadQueue();
    again.release();
    await next;
    expect(store.getState().jobs['job_0000000release']?.status).toBe('queued');
  });
});
