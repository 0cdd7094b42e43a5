import { describe, expect, it } from 'vitest';
import type { PlannedWork } from '../../../shared/contract/insightTypes';
import type { Balances } from '../../../shared/money/ledgerTypes';
import { drawPlanned, poolForecasts } from './forecast';

const pool = (pool: string, available: number, o: Partial<Balances['pools'][number]> = {}): Balances['pools'][number] => {
  const [surface, kind] = pool.split(':') as [Balances['pools'][number]['surface'], Balances['pools'][number]['kind']];
  return { pool, surface, kind, posted: available, reserved: 0, available, resetsAt: null, ...o };
};

describe('drawPlanned', () => {
  it('draws planned work from a surface in draw order, the overflow landing on the last pool', () => {
    const pools = [pool('web:purchased', 1_000), pool('web:allowance', 300), pool('web:grant', 100), pool('api:purchased', 50)];
    const planned: PlannedWork[] = [
      { label: 'a', projectId: null, credits: 900, surfaces: { web: 900 } },
      { label: 'b', projectId: null, credits: 80, surfaces: { api: 80 } },
    ];
    expect(Object.fromEntries(drawPlanned(pools, planned))).toEqual({ 'web:allowance': 300, 'web:grant': 100, 'web:purchased': 500, 'api:purchased': 80 });
  });
});

describe('poolForecasts', () => {
  it('runs an allowance to its reset: the pace, what is left, and the day it runs dry', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    const balances: Balances = { pools: [pool('web:allowance', 400, { posted: 450, reserved: 50, resetsAt: '2026-12-01' })], surfaces: [], asOf: '' };
    const [f] = poolForecasts({
      nowMs: now,
      horizonDays: 30,
      balances,
      planned: [{ label: 'finals', projectId: null, credits: 100, surfaces: { web: 100 } }],
      recentSpend: [
        { day: '2026-11-20', credits: 250, stage: 'generate', artifactClass: 'preview', projectId: null, pool: 'web:allowance', surface: 'web', kind: 'capture', userId: null, userName: null },
        { day: '2026-11-21', credits: 30, stage: 'generate', artifactClass: 'preview', projectId: null, pool: 'web:grant', surface: 'web', kind: 'capture', userId: null, userName: null },
      ],
      history: [
        { pool: 'web:allowance', day: '2026-11-20', delta: -250 },
        { pool: 'web:allowance', day: '2026-11-22', delta: -100 },
      ],
      historyFrom: '2026-11-19',
      budgets: [],
    });
    // 250 / 7 days ≈ 35.71 a day; 8.5 days to the reset; 400 − 100 − 303.57 → −3.
    expect(f).toMatchObject({ pool: 'web:allowance', available: 400, reserved: 50, planned: 100, burnPerDay: 35.71, daysToHorizon: 8.5, fits: true, projectedLeft: -4, fitsAtPace: false, runsOutOn: '2026-11-30' });
    expect(f!.burnDown.slice(0, 5)).toEqual([
      { day: '2026-11-19', credits: 800, isProjected: false },
      { day: '2026-11-20', credits: 550, isProjected: false },
      { day: '2026-11-21', credits: 550, isProjected: false },
      { day: '2026-11-22', credits: 400, isProjected: false },
      { day: '2026-11-23', credits: 264, isProjected: true },
    ]);
    // The allowance resets at the start of 12-01: the last projected day is 11-30.
    expect(f!.burnDown.at(-1)).toEqual({ day: '2026-11-30', credits: 14, isProjected: true });
  });

  it('starts a pool granted today at its balance, not at 0 the day before', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    const [f] = poolForecasts({
      nowMs: now,
      horizonDays: 3,
      balances: { pools: [pool('local:grant', 9_960, { posted: 9_960 })], surfaces: [], asOf: '' },
      planned: [],
      recentSpend: [{ day: '2026-11-22', credits: 40, stage: 'generate', artifactClass: 'preview', projectId: null, pool: 'local:grant', surface: 'local', kind: 'capture', userId: null, userName: null }],
      history: [{ pool: 'local:grant', day: '2026-11-22', delta: 9_960 }],
      historyFrom: '2026-10-23',
      budgets: [],
    });
    expect(f!.burnDown[0]).toEqual({ day: '2026-11-22', credits: 9_960, isProjected: false });
    expect(f!.burnDown.every((p) => p.credits > 9_900)).toBe(true);
    expect(f!.burnDown.slice(1).every((p) => p.isProjected)).toBe(true);
  });
});
