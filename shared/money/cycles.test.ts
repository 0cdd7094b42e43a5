import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cycleAt, dayOf, monthOf, nextDayStart } from './cycles';
import { nextMonthStart } from './limits';
import { parsePoolId, POOL_IDS } from './pools';

const at = (iso: string) => Date.parse(iso);

describe('allowance cycles', () => {
  it('monthly cycles run from reset_day to the same day next month', () => {
    const a = { credits: 625, cycle: 'month' as const, reset_day: 15 };
    expect(cycleAt(at('2026-11-22T10:00:00Z'), a)).toMatchObject({ start: '2026-11-15', end: '2026-12-15' });
    expect(cycleAt(at('2026-11-14T23:59:59Z'), a)).toMatchObject({ start: '2026-10-15', end: '2026-11-15' });
    expect(cycleAt(at('2026-11-15T00:00:00Z'), a)).toMatchObject({ start: '2026-11-15', end: '2026-12-15' });
    expect(cycleAt(at('2027-01-03T00:00:00Z'), a)).toMatchObject({ start: '2026-12-15', end: '2027-01-15' });
  });

  it('yearly cycles run from reset_month/reset_day', () => {
    const a = { credits: 50000, cycle: 'year' as const, reset_day: 1, reset_month: 4 };
    expect(cycleAt(at('2026-11-22T10:00:00Z'), a)).toMatchObject({ start: '2026-04-01', end: '2027-04-01' });
    expect(cycleAt(at('2026-03-31T10:00:00Z'), a)).toMatchObject({ start: '2025-04-01', end: '2026-04-01' });
  });

  it('every time falls in exactly one cycle, and consecutive cycles touch', () => {
    const a = { credits: 1, cycle: 'month' as const, reset_day: 28 };
    for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 3 * 3_600_000 + 17_000) {
      const c = cycleAt(t, a);
      expect(c.startMs <= t && t < c.endMs).toBe(true);
      expect(cycleAt(c.endMs, a).start).toBe(c.end);
    }
  });

  it('names days, months and the next UTC midnight', () => {
    expect(dayOf(at('2026-11-22T23:30:00Z'))).toBe('2026-11-22');
    expect(monthOf(at('2026-11-22T23:30:00Z'))).toBe('2026-11');
    expect(nextDayStart(at('2026-11-30T23:30:00Z'))).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('the next day and month (kept for the rest of the day or month they were asked in)', () => {
  it('answers the next UTC midnight and the next 1st of the month, whatever order the times come in', () => {
    const dayRef = (ms: number) => { const d = new Date(ms); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString(); };
    const monthRef = (ms: number) => { const d = new Date(ms); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString(); };
    expect(nextMonthStart(at('2026-12-31T23:59:59.999Z'))).toBe('2027-01-01T00:00:00.000Z');
    expect(nextMonthStart(at('2027-01-01T00:00:00.000Z'))).toBe('2027-02-01T00:00:00.000Z');
    expect(nextDayStart(at('2026-12-31T23:59:59.999Z'))).toBe('2027-01-01T00:00:00.000Z');
    expect(nextDayStart(at('2026-12-31T00:00:00.000Z'))).toBe('2027-01-01T00:00:00.000Z');
    expect(nextDayStart(at('2026-12-30T23:59:59.999Z'))).toBe('2026-12-31T00:00:00.000Z');
    // Times near each other (same day, the edges of days and months) and far apart, back and forth.
    const near = fc.integer({ min: at('2026-11-28T00:00:00Z'), max: at('2027-01-03T00:00:00Z') });
    const far = fc.integer({ min: 0, max: at('2100-01-01T00:00:00Z') });
    fc.assert(
      fc.property(fc.array(fc.oneof(near, far), { minLength: 1, maxLength: 40 }), (times) => {
        for (const t of times) {
          expect(nextDayStart(t)).toBe(dayRef(t));
          expect(nextMonthStart(t)).toBe(monthRef(t));
        }
      }),
    );
  });
});

describe('parsePoolId', () => {
  it('splits exactly the pool ids, and nothing else', () => {
    expect(parsePoolId('api:purchased')).toEqual({ surface: 'api', kind: 'purchased' });
    expect(parsePoolId('local:grant')).toEqual({ surface: 'local', kind: 'grant' });
    expect(POOL_IDS.every((id) => parsePoolId(id) !== null && `${parsePoolId(id)!.surface}:${parsePoolId(id)!.kind}` === id)).toBe(true);
    for (const bad of ['api', 'api:', 'api:grant:2026-12', 'API:grant', 'api:gift', 'sys:issuance', ':grant', '', 'api:grant ']) expect(parsePoolId(bad)).toBeNull();
    // Each answer is the caller's own.
    parsePoolId('web:allowance')!.kind = 'grant';
    expect(parsePoolId('web:allowance')).toEqual({ surface: 'web', kind: 'allowance' });
  });
});
