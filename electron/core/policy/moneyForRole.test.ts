import { describe, expect, it } from 'vitest';
import { hideMoneyFromReviewers, moneyFor, withoutMoney } from './moneyForRole';

describe('money for each role', () => {
  const card = { id: 'tk_1', credits: 25, release: { credits: null, status: 'running' }, jobs: [{ estimatedCredits: 50, tasks: [{ costCredits: 3, n: 0 }] }], model: 'gen4_turbo' };

  it('drops every field naming credits, at any depth, and keeps the rest', () => {
    expect(withoutMoney(card)).toEqual({ id: 'tk_1', release: { status: 'running' }, jobs: [{ tasks: [{ n: 0 }] }], model: 'gen4_turbo' });
    expect(card.credits).toBe(25);
  });

  it('keeps money for producers and the owner', () => {
    expect(moneyFor('producer', card)).toBe(card);
    expect(moneyFor('owner', card)).toBe(card);
    expect(moneyFor('reviewer', card)).not.toHaveProperty('credits');
  });

  it('filters a reviewer’s answers and error details at the dispatcher', async () => {
    const dispatch = hideMoneyFromReviewers(async (name) =>
      name === 'fail' ? { ok: false, error: { code: 'VALIDATION', message: 'no', details: { field: 'x', credits: 9 } } } : { ok: true, value: card },
    );
    expect(await dispatch('board.view', {}, { role: 'reviewer', door: 'host' })).toEqual({ ok: true, value: withoutMoney(card) });
    expect(await dispatch('board.view', {}, { role: 'producer', door: 'host' })).toEqual({ ok: true, value: card });
    expect(await dispatch('fail', {}, { role: 'reviewer', door: 'host' })).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'no', details: { field: 'x' } } });
  });
});
