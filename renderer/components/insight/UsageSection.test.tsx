// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageInput, UsagePoint, UsageReport } from '../../../shared/contract/usage';
import type { z } from 'zod';
import { renderWithStore } from '../../../test/support/renderApp';
import { sinceFor } from '../../store/slices/insightSlice';
import { UsageSection } from './UsageSection';

afterEach(cleanup);

const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];
const pts = (xs: [number, number][]): UsagePoint[] => xs.map(([credits, held], i) => ({ start: DAYS[i]!, held, posted: credits, refunded: 0, credits }));
const series = (key: string | null, name: string, xs: [number, number][]) => {
  const points = pts(xs);
  return { key, name, held: points.reduce((a, p) => a + p.held, 0), posted: points.reduce((a, p) => a + p.posted, 0), refunded: 0, credits: points.reduce((a, p) => a + p.credits, 0), points };
};
const report = (by: 'user' | 'project', s: ReturnType<typeof series>[]): UsageReport => {
  const points = DAYS.map((start, i) => ({ start, held: 0, posted: 0, refunded: 0, credits: 0, ...Object.fromEntries((['held', 'posted', 'refunded', 'credits'] as const).map((k) => [k, s.reduce((a, x) => a + x.points[i]![k], 0)])) }));
  const sum = (k: 'held' | 'posted' | 'refunded' | 'credits') => s.reduce((a, x) => a + x[k], 0);
  return { asOf: '2026-11-22T10:00:00.000Z', by, bucket: 'day', from: DAYS[0]!, to: '2026-11-23', series: s, totals: { held: sum('held'), posted: sum('posted'), refunded: sum('refunded'), credits: sum('credits'), points } };
};
const byUser = report('user', [series('mem_ana', 'Ana', [[250, 0], [0, 0], [40, 0]]), series(null, 'Studio owner', [[0, 0], [0, 0], [60, 0]]), series('mem_ben', 'Ben', [[0, 100], [0, 0], [0, 0]])]);
const byProject = report('project', [series('prj_dunes', 'Dunes', [[250, 0], [0, 0], [40, 0]]), series('prj_kites', 'Kites', [[0, 100], [0, 0], [60, 0]])]);
const balances = (asOf: string) => ({ pools: [], surfaces: [], asOf });

function setup() {
  return renderWithStore(<UsageSection />, { 'spend.usage': (i: z.output<typeof UsageInput>) => (i.by === 'user' ? byUser : byProject) });
}

describe('UsageSection', () => {
  it('shows each member and project with a bar a day and the totals, named for assistive tech', async () => {
    const { transport } = setup();
    const members = await screen.findByRole('region', { name: 'Usage by member' });
    expect(transport.callsOf('spend.usage')).toEqual([
      { by: 'user', bucket: 'day', from: sinceFor(30, new Date()) },
      { by: 'project', bucket: 'day', from: sinceFor(30, new Date()) },
    ]);
    const table = within(members).getByRole('table', { name: 'Usage by member, Nov 20 to Nov 22' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Member', 'Per day', 'Charged', 'Held', 'Refunded']);
    expect(within(table).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['Ana', 'Studio owner', 'Ben', 'Total']);
    const ana = within(table).getByRole('img', { name: 'Ana, Nov 20 to Nov 22: 290 credits charged; most on Nov 20 (250)' });
    expect(ana.querySelectorAll('rect.u-charged')).toHaveLength(2);
    const ben = within(table).getByRole('img', { name: 'Ben, Nov 20 to Nov 22: 0 credits charged, 100 held; most on Nov 20 (100)' });
    expect([ben.querySelectorAll('rect.u-charged').length, ben.querySelectorAll('rect.u-held').length]).toEqual([0, 1]);
    // One scale for every member: Ana's 250 is the tallest bar, Ben's 100 held is 2/5 of it.
    const height = (svg: Element, cls: string) => Number(svg.querySelector(`rect.${cls}`)!.getAttribute('height'));
    expect(height(ben, 'u-held') / height(ana, 'u-charged')).toBeCloseTo(100 / 250, 5);
    const total = within(table).getAllByRole('row').at(-1)!;
    expect(within(total).getAllByRole('cell').slice(1).map((c) => c.textContent)).toEqual(['350', '100', '0']);
    const projects = screen.getByRole('region', { name: 'Usage by project' });
    expect(within(projects).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['Dunes', 'Kites', 'Total']);
  });

  it('asks again for another range, and when credits move (once for a burst)', async () => {
    const { transport, store } = setup();
    await screen.findByRole('region', { name: 'Usage by member' });
    fireEvent.click(screen.getByRole('radio', { name: '7 days' }));
    await waitFor(() => expect(transport.callsOf('spend.usage').at(-1)).toEqual({ by: 'project', bucket: 'day', from: sinceFor(7, new Date()) }));
    expect(store.getState().usageDays).toBe(7);
    const before = transport.callsOf('spend.usage').length;
    await act(async () => {
      for (const n of [1, 2, 3]) transport.emit('credits.changed', { kind: 'capture', opId: `op${n}`, reservationId: null, jobId: null, balances: balances(`2026-11-22T10:00:0${n}.000Z`) });
    });
    await waitFor(() => expect(transport.callsOf('spend.usage').length).toBe(before + 2), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(transport.callsOf('spend.usage').length).toBe(before + 2);
  });
});
