// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderComparison } from '../../shared/money/providerBooks';
import { moneyHandlers } from '../../test/support/fakeTransport';
import { renderWithStore } from '../../test/support/renderApp';
import { ProviderBooks } from './ProviderBooks';

afterEach(cleanup);

const reading = (o: Partial<ProviderComparison>): ProviderComparison => ({
  provider: 'runway',
  pool: 'api:purchased',
  providerCredits: 9_380,
  booksCredits: 9_380,
  heldAtProvider: 0,
  drift: -620,
  mirrored: -620,
  outstanding: 0,
  explanation: "spent elsewhere: 620 credits left Runway's balance outside this app (another app or person using the organization); mirrored into the books",
  why: 'settle',
  readAt: '2026-12-03T04:00:00.000Z',
  comparedAt: '2026-12-03T04:00:01.000Z',
  ...o,
});

describe('ProviderBooks (the Ledger tab)', () => {
  it('shows nothing without a Runway reading', async () => {
    const { transport } = renderWithStore(<ProviderBooks />, moneyHandlers());
    await waitFor(() => expect(transport.callsOf('credits.provider')).toHaveLength(1));
    expect(screen.queryByRole('heading', { name: 'Runway balance' })).toBeNull();
  });

  it("shows Runway's figure, the books', the drift with what was mirrored, when, and why; Compare now reads Runway", async () => {
    let now = reading({});
    const { transport } = renderWithStore(<ProviderBooks />, {
      ...moneyHandlers(),
      'credits.provider': () => ({ comparison: now, usage: null }),
      'credits.syncProvider': () => {
        now = reading({ providerCredits: 9_130, booksCredits: 9_380, drift: -250, mirrored: 0, outstanding: -250, explanation: 'spent elsewhere: 250 credits …; not mirrored while 1 task is in flight', comparedAt: '2026-12-03T04:10:00.000Z' });
        return {
          comparison: now,
          usage: { provider: 'runway', checkedAt: now.comparedAt, startDate: '2026-11-04', beforeDate: '2026-12-04', compared: 2, error: null, mismatches: [{ date: '2026-12-03', model: 'veo3.1', providerCredits: 120, booksCredits: 0, explanation: 'Runway used 120 more credits on veo3.1 that day than this app charged: spent elsewhere' }] },
        };
      },
    });
    const facts = await screen.findByLabelText('Runway against the books');
    expect(within(facts).getAllByRole('definition').map((d) => d.textContent)).toEqual(['9,380', '9,380', '−620 (−620 mirrored into api:purchased)', expect.any(String)]);
    expect(within(facts).getByText((_, el) => el?.tagName === 'TIME')).toHaveProperty('dateTime', '2026-12-03T04:00:01.000Z');
    expect(screen.getByRole('status').textContent).toMatch(/^spent elsewhere: 620 credits/);
    fireEvent.click(screen.getByRole('button', { name: 'Compare now' }));
    await waitFor(() => expect(within(screen.getByLabelText('Runway against the books')).getAllByRole('definition')[2]!.textContent).toBe('−250'));
    expect(transport.callsOf('credits.syncProvider')).toHaveLength(1);
    expect(screen.getByRole('status').className).toBe('field-error');
    expect(screen.getByRole('list', { name: 'Usage mismatches' }).textContent).toContain('2026-12-03 veo3.1: Runway 120, books 0');
  });
});
