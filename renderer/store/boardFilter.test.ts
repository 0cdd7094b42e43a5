import { describe, expect, it } from 'vitest';
import type { TagMark, TakeCard } from '../../shared/contract/board';
import { matches, NO_FILTER } from './boardFilter';

const mark = (tag: TagMark['tag'], isAuto = false): TagMark => ({ tag, author: isAuto ? 'auto-check' : 'ana', isAuto, reason: null, at: 1 });
const card = (over: Partial<TakeCard>): TakeCard => ({ model: 'gen4_turbo', tags: [], checkStatus: 'passed', checks: [{ name: 'decode', ok: true }], ...over }) as TakeCard;

describe('board filter', () => {
  it('counts people’s verdicts only: the auto-check’s needs-fix leaves a take untagged', () => {
    const auto = card({ tags: [mark('needs-fix', true)], checkStatus: 'failed', checks: [{ name: 'black', ok: false, detail: 'black' }] });
    expect(matches(auto, { ...NO_FILTER, verdict: 'untagged' })).toBe(true);
    expect(matches(auto, { ...NO_FILTER, verdict: 'failed' })).toBe(true);
    expect(matches(auto, { ...NO_FILTER, verdict: 'picked' })).toBe(false);
    expect(matches(card({ tags: [mark('promising')] }), { ...NO_FILTER, verdict: 'untagged' })).toBe(false);
  });

  it('picked, rejected, failed checks and model each narrow; all shows everything', () => {
    const picked = card({ tags: [mark('promising')] });
    const rejected = card({ tags: [mark('discard')], model: 'gen4.5' });
    const errored = card({ checkStatus: 'error', checks: null });
    expect([picked, rejected, errored].map((c) => matches(c, { ...NO_FILTER, verdict: 'picked' }))).toEqual([true, false, false]);
    expect([picked, rejected, errored].map((c) => matches(c, { ...NO_FILTER, verdict: 'rejected' }))).toEqual([false, true, false]);
    expect([picked, rejected, errored].map((c) => matches(c, { ...NO_FILTER, verdict: 'failed' }))).toEqual([false, false, true]);
    expect([picked, rejected, errored].map((c) => matches(c, { verdict: 'all', model: 'gen4.5' }))).toEqual([false, true, false]);
    expect([picked, rejected, errored].every((c) => matches(c, NO_FILTER))).toBe(true);
  });
});
