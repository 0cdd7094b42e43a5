// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { moneyHandlers } from '../../test/support/fakeTransport';
import { renderWithStore } from '../../test/support/renderApp';
import { LedgerPanel } from './LedgerPanel';

afterEach(cleanup);

/** The ledger's answers; a call the role may not make would be refused by the studio, so the fake refuses it too. */
function setup(role: 'owner' | 'producer' | 'filmmaker') {
  return renderWithStore(
    <LedgerPanel projectId="prj_0000000000001" />,
    {
      ...moneyHandlers(),
      'credits.history': () => [],
      'credits.limits': () => ({ members: [], projects: [], notify: { defaultAt: null, planAt: [], webhook: null }, dayResetsAt: '2026-11-23T00:00:00.000Z', monthResetsAt: '2026-12-01T00:00:00.000Z' }),
      'credits.webhookDeliveries': () => [],
    },
    { role },
  );
}

const forms = () => ({
  plan: screen.queryByLabelText('Plan'),
  topUp: screen.queryByLabelText('Simulated credits'),
  budget: screen.queryByLabelText('Project budget'),
  history: screen.queryByRole('heading', { name: 'History' }),
});

describe('LedgerPanel by role', () => {
  it('gives the owner the plan switcher, top-ups, the budget and the history', async () => {
    const { transport } = setup('owner');
    await waitFor(() => expect(screen.getByRole('table', { name: 'Balances' }).textContent).toContain('10,000'));
    const f = forms();
    expect(f.plan && f.topUp && f.budget && f.history).toBeTruthy();
    await waitFor(() => expect(transport.callsOf('credits.history').length).toBeGreaterThan(0));
  });

  it('shows a producer the balances and the history, and no plan switch, top-up or budget (admins\' calls)', async () => {
    const { transport } = setup('producer');
    await waitFor(() => expect(screen.getByRole('table', { name: 'Balances' }).textContent).toContain('10,000'));
    expect(forms()).toMatchObject({ plan: null, topUp: null, budget: null });
    expect(forms().history).toBeTruthy();
    await waitFor(() => expect(transport.callsOf('credits.history').length).toBeGreaterThan(0));
  });

  it('shows a filmmaker the balances only, and asks nothing it would be refused (history, Runway\'s books)', async () => {
    const { transport } = setup('filmmaker');
    await waitFor(() => expect(screen.getByRole('table', { name: 'Balances' }).textContent).toContain('10,000'));
    expect(forms()).toEqual({ plan: null, topUp: null, budget: null, history: null });
    expect(transport.callsOf('credits.history')).toEqual([]);
    expect(transport.callsOf('credits.provider')).toEqual([]);
  });
});
