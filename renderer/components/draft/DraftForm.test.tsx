// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Draft, Recipe } from '../../../shared/contract/drafts';
import type { SubmitResult } from '../../../shared/contract/jobs';
import type { FakeHandlers } from '../../../test/support/fakeTransport';
import { PROJECT, SHOT } from '../../../test/support/fakeBoard';
import { moneyHandlers } from '../../../test/support/fakeTransport';
import { renderWithStore } from '../../../test/support/renderApp';
import { DraftForm } from './DraftForm';

afterEach(cleanup);

function submitted(cacheHit: boolean): SubmitResult {
  return { jobId: 'job_000000000042', status: cacheHit ? 'succeeded' : 'queued', cacheHit, creditsSaved: cacheHit ? 25 : 0, takes: [], credits: { reserved: cacheHit ? 0 : 25, captured: null, before: null, after: null } };
}

/** Core's drafts table, in memory: what survives the form (and a restart) is what was saved here. */
function draftHandlers(saved: Map<string, Draft> = new Map()): FakeHandlers & { saved: Map<string, Draft> } {
  return {
    saved,
    'drafts.list': ({ projectId }) => [...saved.values()].filter((d) => d.projectId === projectId).sort((a, b) => b.updatedAt - a.updatedAt),
    'drafts.save': (d) => {
      const draft = { ...d, updatedAt: Date.now() };
      saved.set(`${d.projectId}:${d.shotId ?? ''}`, draft);
      return draft;
    },
  };
}

async function setup(opts: { cacheHit?: boolean } = {}) {
  const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, {
    ...moneyHandlers(),
    ...draftHandlers(),
    'shots.list': () => [SHOT],
    'jobs.submit': () => submitted(opts.cacheHit ?? false),
    'jobs.get': () => {
      throw new Error('not needed');
    },
  });
  await act(async () => {
    await r.store.getState().loadCredits?.().catch(() => undefined);
  });
  return r;
}

const select = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { exact: true }), { target: { value } });

describe('DraftForm', () => {
  it('shows the live estimate with the balance before → after', async () => {
    await setup();
    await waitFor(() => expect(screen.getByText('25 credits')).toBeTruthy());
    expect(screen.getByText('Simulated credits 10,000 → 9,975')).toBeTruthy();
    select('Variations', '3');
    await waitFor(() => expect(screen.getByText('Simulated credits 10,000 → 9,925')).toBeTruthy());
  });

  it('alerts with the multiplier and each factor when duration and variations go up', async () => {
    await setup();
    await waitFor(() => expect(screen.getByText('25 credits')).toBeTruthy());
    expect(screen.queryByRole('alert')).toBeNull();
    select('Duration', '10');
    select('Variations', '4');
    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('×8'));
    expect(alert.textContent).toMatch(/duration 5 → 10.*×2/);
    expect(alert.textContent).toMatch(/variations 1 → 4.*×4/);
    fireEvent.click(screen.getByRole('button', { name: 'Keep these settings' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('offers only the durations the model accepts', async () => {
    await setup();
    await waitFor(() => expect(screen.getByLabelText('Model')).toBeTruthy());
    select('Model', 'veo3.1');
    const options = [...(screen.getByLabelText('Duration') as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['4', '6', '8']);
  });

  it('disables Generate with the reason and a way out when the plan refuses', async () => {
    await setup();
    await waitFor(() => expect(screen.getByLabelText('Model')).toBeTruthy());
    select('Model', 'act_two');
    select('Duration', '30');
    await waitFor(() => expect(screen.getByText(/up to 10 s/)).toBeTruthy());
    const generate = screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;
    expect(generate.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'make it 10 s' }));
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A lighthouse' } });
    await waitFor(() => expect(generate.disabled).toBe(false));
    expect((screen.getByLabelText('Duration') as HTMLSelectElement).value).toBe('10');
  });

  it('says when an empty pool refuses, naming it', async () => {
    const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, { ...moneyHandlers({ 'local:grant': 10 }), ...draftHandlers(), 'shots.list': () => [SHOT], 'credits.grant': () => moneyHandlers({ 'local:grant': 10_010 })['credits.balances']!({}) as never });
    await act(() => r.store.getState().loadCredits().catch(() => undefined));
    await waitFor(() => expect(screen.getByText(/simulated credits/i, { selector: '.field-error' })).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(true);
    // A way out that works from here: top up the simulation.
    fireEvent.click(screen.getByRole('button', { name: /top up the simulation/ }));
    await waitFor(() => expect(r.transport.callsOf('credits.grant')).toHaveLength(1));
    expect(r.transport.callsOf('credits.grant')[0]).toMatchObject({ pool: 'local:grant', credits: 10_000 });
  });

  it('tells a studio filmmaker to ask an admin for credits instead of offering a top-up it would be refused', async () => {
    const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, { ...moneyHandlers({ 'local:grant': 10 }), ...draftHandlers(), 'shots.list': () => [SHOT] }, { role: 'filmmaker' });
    await act(() => r.store.getState().loadCredits().catch(() => undefined));
    await waitFor(() => expect(screen.getByText(/simulated credits/i, { selector: '.field-error' })).toBeTruthy());
    expect(screen.queryByRole('button', { name: /top up the simulation/ })).toBeNull();
    expect(screen.getByText(/^or ask an admin to top up the simulation/)).toBeTruthy();
  });

  it('keeps what was typed across a tab change (unmount) and a restart (a new store reading core)', async () => {
    const core = draftHandlers();
    const handlers = { ...moneyHandlers(), ...core, 'shots.list': () => [SHOT] };
    const first = renderWithStore(<DraftForm projectId={PROJECT.id} />, handlers);
    await act(() => first.store.getState().loadCredits());
    await waitFor(() => expect(screen.getByLabelText('Prompt')).toBeTruthy());
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A harbour at dawn' } });
    fireEvent.change(screen.getByLabelText('Seed'), { target: { value: '42' } });
    select('Variations', '3');
    // A tab change unmounts the form; the store keeps the draft.
    first.unmount();
    expect(screen.queryByLabelText('Prompt')).toBeNull();
    const again = renderWithStore(<DraftForm projectId={PROJECT.id} />, handlers, { drafts: first.store.getState().drafts, activeConfig: first.store.getState().activeConfig });
    await waitFor(() => expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('A harbour at dawn'));
    again.unmount();
    // Saved to core (debounced): a fresh store, as after a restart, reads it back.
    await act(() => first.store.getState().flushDrafts());
    expect([...core.saved.values()][0]).toMatchObject({ shotId: SHOT.id, values: { prompt: 'A harbour at dawn', seed: '42', variations: 3 } });
    const restarted = renderWithStore(<DraftForm projectId={PROJECT.id} />, handlers);
    await act(() => restarted.store.getState().loadCredits());
    await waitFor(() => expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('A harbour at dawn'));
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toBe('42');
    expect((screen.getByLabelText('Variations') as HTMLSelectElement).value).toBe('3');
  });

  it('Reuse fills the form with the take’s recipe, and Generate stacks the new take on it', async () => {
    const recipe: Recipe = {
      projectId: PROJECT.id,
      shotId: SHOT.id,
      values: { provider: 'local', model: 'gen4.5', prompt: 'A red kite', negativePrompt: 'blur', seed: '1234', durationSec: 5, ratio: '1280:720', variations: 1, audio: false, artifactClass: 'preview', outputFormat: null, sourceTakeId: 'tk_00000000000source' },
    };
    const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, { ...moneyHandlers(), ...draftHandlers(), 'shots.list': () => [SHOT], 'takes.recipe': () => recipe, 'jobs.submit': () => submitted(false), 'jobs.get': () => { throw new Error('not needed'); } });
    await act(() => r.store.getState().loadCredits());
    await waitFor(() => expect(screen.getByLabelText('Prompt')).toBeTruthy());
    await act(() => r.store.getState().reuseTake('tk_00000000000source'));
    await waitFor(() => expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('A red kite'));
    expect((screen.getByLabelText('Negative') as HTMLInputElement).value).toBe('blur');
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toBe('1234');
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('gen4.5');
    expect(screen.getByText(/Reusing an earlier take/)).toBeTruthy();
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(r.transport.callsOf('jobs.submit')).toHaveLength(1));
    expect(r.transport.callsOf('jobs.submit')[0]).toMatchObject({ shotId: SHOT.id, sourceTakeId: 'tk_00000000000source', params: { prompt: 'A red kite', negativePrompt: 'blur', seed: 1234, model: 'gen4.5' } });
  });

  it('enables Generate for a cached answer when the pools could not pay for a fresh render', async () => {
    const r = renderWithStore(<DraftForm projectId={PROJECT.id} />, {
      ...moneyHandlers({ 'local:grant': 10 }),
      'shots.list': () => [SHOT],
      'jobs.lookup': () => ({ cacheHit: true, inFlight: false, jobId: 'job_000000000041', creditsSaved: 25 }),
      'jobs.submit': () => submitted(true),
    });
    await act(() => r.store.getState().loadCredits().catch(() => undefined));
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A lighthouse' } });
    const generate = screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;
    await waitFor(() => expect(screen.getByText(/Free — cached/)).toBeTruthy());
    await waitFor(() => expect(generate.disabled).toBe(false));
    expect(screen.queryByText(/simulated credits/i, { selector: '.field-error' })).toBeNull();
    fireEvent.click(generate);
    await waitFor(() => expect(r.transport.callsOf('jobs.submit')).toHaveLength(1));
  });

  it('keeps Generate disabled for an empty prompt, saying so, and submits nothing', async () => {
    const { transport } = await setup();
    await waitFor(() => expect(screen.getByText('25 credits')).toBeTruthy());
    const generate = screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: '   ' } });
    await waitFor(() => expect(screen.getByText(/^Prompt: describe the shot/)).toBeTruthy());
    expect(generate.disabled).toBe(true);
    expect(generate.getAttribute('aria-describedby')).toBe('generate-why');
    fireEvent.submit(generate.closest('form')!);
    expect(transport.callsOf('jobs.submit')).toHaveLength(0);
  });

  it('submits and says a cache hit is free', async () => {
    const { transport } = await setup({ cacheHit: true });
    await waitFor(() => expect(screen.getByText('25 credits')).toBeTruthy());
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'A lighthouse' } });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(screen.getAllByText(/free — cached/).length).toBeGreaterThan(0));
    expect(transport.callsOf('jobs.submit')[0]).toMatchObject({ projectId: PROJECT.id, shotId: SHOT.id, params: { prompt: 'A lighthouse', model: 'gen4_turbo' } });
  });
});
