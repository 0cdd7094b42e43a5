// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitsView } from '../../shared/money/limits';
import type { FakeHandlers } from '../../test/support/fakeTransport';
import { renderWithStore } from '../../test/support/renderApp';
import { LimitsSection } from './LimitsSection';

afterEach(cleanup);

const view = (o: Partial<LimitsView> = {}): LimitsView => ({
  members: [
    { userId: 'mem_fay', name: 'Fay', monthly: 100, daily: null, notifyAt: null, spentToday: 20, spentMonth: 100, updatedBy: null, updatedAt: null },
    { userId: 'mem_ben', name: 'Ben', monthly: null, daily: 500, notifyAt: [], spentToday: 0, spentMonth: 40, updatedBy: null, updatedAt: null },
  ],
  projects: [{ projectId: 'prj_1', name: 'Spot', budget: 900, daily: 300, spentToday: 120, spentAll: 400, updatedBy: null, updatedAt: null }],
  notify: { defaultAt: null, planAt: [1000], webhook: null },
  dayResetsAt: '2026-11-23T00:00:00.000Z',
  monthResetsAt: '2026-12-01T00:00:00.000Z',
  ...o,
});

function handlers(state: { v: LimitsView }): FakeHandlers {
  return {
    'credits.limits': () => state.v,
    'credits.webhookDeliveries': () => [
      { id: 'whd_1', userId: 'mem_fay', period: '2026-11', threshold: 1000, spent: 1200, target: 'https://hooks.example.com', state: 'failed', attempts: 3, lastStatus: 500, lastError: 'answered 500', createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:07.000Z' },
    ],
    'credits.setUserLimits': (i) => {
      state.v = view({ members: state.v.members.map((m) => (m.userId === i.userId ? { ...m, monthly: i.monthly ?? null, daily: i.daily ?? null } : m)) });
      return state.v;
    },
    'credits.setNotifySettings': (i) => {
      if (i.webhook) state.v = view({ ...state.v, notify: { ...state.v.notify, webhook: { url: i.webhook.url, hasSecret: true, updatedBy: null, updatedAt: '2026-11-22T10:00:00.000Z' } } });
      if (i.userId) state.v = view({ members: state.v.members.map((m) => (m.userId === i.userId ? { ...m, notifyAt: i.notifyAt ?? null } : m)) });
      return state.v;
    },
    'credits.setProjectDailyCap': (i) => {
      state.v = view({ projects: state.v.projects.map((p) => ({ ...p, daily: i.daily })) });
      return state.v;
    },
  };
}

describe('Limits and notices (the Ledger tab, admins)', () => {
  it("shows each member's use against their limits and sets a member's limits, thresholds and the project's daily cap", async () => {
    const state = { v: view() };
    const { transport, store } = renderWithStore(<LimitsSection projectId="prj_1" />, handlers(state), { role: 'admin' });
    const table = await screen.findByRole('table', { name: 'Member limits' });
    expect(within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([
      ['Fay', '100 of 100', '20 (no limit)', 'studio default'],
      ['Ben', '40 (no limit)', '0 of 500', 'none'],
    ]);
    expect(within(table).getByText('100 of 100').className).toContain('neg'); // at the limit: the next job is refused

    fireEvent.change(screen.getByLabelText('Monthly budget'), { target: { value: '2,000' } });
    fireEvent.change(screen.getByLabelText('Notices at'), { target: { value: '500, 1500' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() => expect(transport.callsOf('credits.setNotifySettings')).toHaveLength(1));
    expect(transport.callsOf('credits.setUserLimits')[0]).toEqual({ userId: 'mem_fay', monthly: 2000, daily: null });
    expect(transport.callsOf('credits.setNotifySettings')[0]).toEqual({ userId: 'mem_fay', notifyAt: [500, 1500] });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Member limits' })).getByText('100 of 2,000')).toBeTruthy());

    fireEvent.change(screen.getByLabelText('Daily cap'), { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() => expect(store.getState().notices.map((n) => n.text)).toContain('Daily cap: a whole number of credits, or blank for none'));
    expect(transport.callsOf('credits.setUserLimits')).toHaveLength(1);

    expect((screen.getByLabelText('Project daily cap') as HTMLInputElement).value).toBe('300');
    fireEvent.change(screen.getByLabelText('Project daily cap'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set daily cap' }));
    await waitFor(() => expect(transport.callsOf('credits.setProjectDailyCap')).toEqual([{ projectId: 'prj_1', daily: null }]));
  });

  it('sets the webhook with a secret it never shows again, and lists failed sends with why', async () => {
    const state = { v: view() };
    const { transport } = renderWithStore(<LimitsSection projectId={null} />, handlers(state), { role: 'admin' });
    expect((await screen.findByRole('list', { name: 'Recent webhook deliveries' })).textContent).toContain('Fay past 1,000 · failed after 3 attempts (answered 500)');
    fireEvent.change(screen.getByLabelText('Webhook URL'), { target: { value: 'https://hooks.example.com/spend' } });
    fireEvent.change(screen.getByLabelText('Signing secret'), { target: { value: 'sixteen-characters-at-least' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save webhook' }));
    await waitFor(() => expect((screen.getByLabelText('Signing secret') as HTMLInputElement).placeholder).toBe('set (type to replace)'));
    expect(transport.callsOf('credits.setNotifySettings')[0]).toEqual({ webhook: { url: 'https://hooks.example.com/spend', secret: 'sixteen-characters-at-least' } });
    expect((screen.getByLabelText('Signing secret') as HTMLInputElement).value).toBe('');
    expect(screen.getByRole('button', { name: 'Remove webhook' })).toBeTruthy();
  });

  it("is not offered to a filmmaker (nothing asked); a crossing shows who passed what, to everyone but a reviewer", async () => {
    const state = { v: view() };
    const { transport, store } = renderWithStore(<LimitsSection projectId={null} />, handlers(state), { role: 'filmmaker' });
    await waitFor(() => expect(transport.calls.length).toBe(0));
    expect(screen.queryByRole('heading', { name: 'Limits and notices' })).toBeNull();
    transport.emit('credits.thresholdCrossed', { userId: 'mem_fay', userName: 'Fay', period: '2026-11', threshold: 1000, spent: 1200 });
    expect(store.getState().notices.map((n) => n.text)).toEqual(["Fay's spend this month passed 1,000 credits (1,200 spent)."]);
    store.setState({ role: 'reviewer' });
    transport.emit('credits.thresholdCrossed', { userId: 'mem_fay', userName: 'Fay', period: '2026-11', threshold: 2000, spent: 2100 });
    expect(store.getState().notices).toHaveLength(1);
  });
});
