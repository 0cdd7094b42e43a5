import { describe, expect, it } from 'vitest';
import { cycleAt, dayOf, monthOf, nextDayStart } from './cycles';

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
