// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, SubmitResult } from '../../../shared/contract/jobs';
import { AppError } from '../../../shared/errors';
import { PROJECT, SHOT } from '../../../test/support/fakeBoard';
import { moneyHandlers, type FakeHandlers } from '../../../test/support/fakeTransport';
import { renderWithStore } from '../../../test/support/renderApp';
import { DraftForm } from './DraftForm';

afterEach(cleanup);

const JOB = 'job_000000000042';
const submitted: SubmitResult = { jobId: JOB, status: 'queued', cacheHit: false, creditsSaved: 0, takes: [], credits: { reserved: 25, captured: null, before: null, after: null } };

function job(status: Job['status']): Job {
  return {
    id: JOB, projectId: PROJECT.id, shotId: SHOT.id, provider: 'local', model: 'gen4_turbo', artifactClass: 'preview', variations: 1, durationSec: 5, ratio: '1280:720',
    paramsHash: 'abcdef0123456789', status, isCancelRequested: false, priority: 0, attempts: 1, maxAttempts: 3, nextAttemptAt: 0, estimatedCredits: 25, reservedCredits: 25,
    capturedCredits: status === 'succeeded' ? 25 : null, creditsSaved: 0, creditsBefore: null, creditsAfter: null, cacheOfJobId: null, sourceTakeId: null,
    errorCode: null, errorMessage: null, submittedBy: null, createdAt: 1, startedAt: 2, finishedAt: status === 'succeeded' ? 3 : null, tasks: [],
  } as Job;
}

async function setup(extra: FakeHandlers) {
  // The form keeps what is typed (drafts.save, 400 ms after the last change), as in the app: without a
  // handler, a save landing between a Generate and its checks (a slow machine) added its own notice.
  const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, {
    ...moneyHandlers(),
    'shots.list': () => [SHOT],
    'jobs.get': () => job('queued'),
    'drafts.list': () => [],
    'drafts.save': (d) => ({ ...d, updatedAt: Date.now() }),
    ...extra,
  });
  await act(() => r.store.getState().loadCredits());
  await waitFor(() => expect(screen.getByLabelText('Prompt')).toBeTruthy());
  return r;
}

const prompt = () => screen.getByLabelText('Prompt') as HTMLTextAreaElement;
const generate = () => screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;
async function pressGenerate(r: Awaited<ReturnType<typeof setup>>, n: number) {
  await waitFor(() => expect(generate().disabled).toBe(false));
  fireEvent.click(generate());
  await waitFor(() => expect(r.transport.callsOf('jobs.submit')).toHaveLength(n));
  await waitFor(() => expect(generate().textContent).toBe('Generate'));
}

describe('Generate again after a failure', () => {
  it('repeats an unanswered submit of the same draft with the same key, keeps the draft, and gives a changed or answered draft a new key', async () => {
    const answers: (() => SubmitResult)[] = [
      () => {
        throw new AppError('STUDIO_UNREACHABLE', 'The studio at http://127.0.0.1:9 cannot be reached (ECONNREFUSED, 4 attempts); jobs.submit was not answered.');
      },
      () => {
        throw new AppError('INTERNAL', 'Cannot reach Circle Take (Failed to fetch). Is the host still running?', { unanswered: true });
      },
      () => submitted,
      () => submitted,
      () => {
        throw new AppError('INSUFFICIENT_CREDITS', 'Not enough credits in local:grant.');
      },
      () => submitted,
    ];
    const r = await setup({ 'jobs.submit': () => answers.shift()!() });
    fireEvent.change(prompt(), { target: { value: 'A harbour at dawn' } });

    await pressGenerate(r, 1);
    // Offline: the app says so and the unsent draft stays in the form.
    expect(r.store.getState().notices.at(-1)?.text).toMatch(/cannot be reached/);
    expect(prompt().value).toBe('A harbour at dawn');
    await pressGenerate(r, 2);
    expect(prompt().value).toBe('A harbour at dawn');
    await pressGenerate(r, 3); // answered this time
    // The failure's notice goes once a Generate is answered.
    expect(r.store.getState().notices.some((n) => /cannot be reached|Cannot reach/.test(n.text))).toBe(false);
    const keys = r.transport.keysOf('jobs.submit');
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);

    await pressGenerate(r, 4); // the same draft again, on purpose, after an answer: a new request
    const after = r.transport.keysOf('jobs.submit');
    expect(after[3]).not.toBe(keys[0]);

    await pressGenerate(r, 5); // refused: an answer, so the next try is a new request too
    await pressGenerate(r, 6);
    const all = r.transport.keysOf('jobs.submit');
    expect(all[5]).not.toBe(all[4]);
  });

  it('a changed draft gets a new key even when the first was never answered', async () => {
    const r = await setup({
      'jobs.submit': () => {
        throw new AppError('STUDIO_UNREACHABLE', 'The studio cannot be reached.');
      },
    });
    fireEvent.change(prompt(), { target: { value: 'A harbour at dawn' } });
    await pressGenerate(r, 1);
    fireEvent.change(prompt(), { target: { value: 'A harbour at dusk' } });
    await pressGenerate(r, 2);
    fireEvent.change(prompt(), { target: { value: 'A harbour at dawn' } });
    await pressGenerate(r, 3);
    const [dawn, dusk, dawnAgain] = r.transport.keysOf('jobs.submit');
    expect(dusk).not.toBe(dawn);
    expect(dawnAgain).toBe(dawn);
  });
});

describe('the "already generating" hint', () => {
  it('is asked again when the job it joins finishes: once the takes land the draft is a cache hit', async () => {
    let lookup = { cacheHit: false, inFlight: true, jobId: JOB as string | null, creditsSaved: 0 };
    const r = await setup({ 'jobs.lookup': () => lookup });
    fireEvent.change(prompt(), { target: { value: 'A lighthouse' } });
    await screen.findByText(/already generating/);
    // The takes land (the job succeeds); the draft is unchanged.
    lookup = { cacheHit: true, inFlight: false, jobId: JOB, creditsSaved: 25 };
    act(() => r.transport.emit('jobs.changed', { job: job('succeeded') }));
    await waitFor(() => expect(screen.queryByText(/already generating/)).toBeNull());
    expect(screen.getByText(/free — cached: made before/)).toBeTruthy();
  });
});
