import { describe, expect, it } from 'vitest';
import { DEFAULT_SHORTLIST_RULE, type BoardMarks, type TakeFacts } from '../../shared/contract/board';
import type { Shot } from '../../shared/contract/shots';
import { PROJECT, takeFacts } from '../../test/support/fakeBoard';
import { createBoardSelector } from './boardSelectors';

const shot = (k: number): Shot => ({ id: `sht_${String(k).padStart(12, '0')}`, projectId: PROJECT.id, name: `S${k}`, position: k + 1, createdAt: '', updatedAt: '' });

describe('board selector, per shot', () => {
  it('re-derives only the shot a tag touched; the other shots keep their cards, and the by-id map follows', () => {
    const shots = [shot(0), shot(1)];
    const shotTakes: Record<string, TakeFacts[]> = { [shots[0]!.id]: [], [shots[1]!.id]: [] };
    const takes: Record<string, TakeFacts> = {};
    for (let i = 0; i < 6; i++) {
      const t = takeFacts(i, { shotId: shots[i % 2]!.id });
      takes[t.id] = t;
      shotTakes[t.shotId]!.push(t);
    }
    const sel = createBoardSelector();
    const base = { takes, shotTakes, jobs: {}, rule: DEFAULT_SHORTLIST_RULE, shotScope: 'all', boardProjectId: PROJECT.id, shotsByProject: { [PROJECT.id]: shots } };
    const before = sel({ ...base, shotMarks: {} });
    const picked = takeFacts(0).id;
    const mark: BoardMarks = { takeId: picked, tags: [{ tag: 'promising', author: 'ana', isAuto: false, reason: null, at: 1 }], stars: [], override: null, comments: 0, publishedAt: null };
    // The store copies only the touched shot's marks: shot 1 keeps its (absent) record.
    const shotMarks = { [shots[0]!.id]: { [picked]: mark } };
    const after = sel({ ...base, shotMarks });
    expect(after).not.toBe(before);
    expect(after.byId.get(picked)!.stage).toBe('shortlist');
    expect(after.columns.shortlist.map((c) => c.id)).toEqual([picked]);
    // Shot 1's cards are the very same objects; shot 0's untouched takes too (the card cache).
    for (let i = 1; i < 6; i += 2) expect(after.byId.get(takeFacts(i).id)).toBe(before.byId.get(takeFacts(i).id));
    expect(after.columns.tag.map((c) => c.id)).toEqual([2, 4, 1, 3, 5].map((i) => takeFacts(i).id));
    // Columns the tag did not touch keep their arrays (their lists do not re-render).
    expect(after.columns.autocheck).toBe(before.columns.autocheck);
    expect(after.columns.finalize).toBe(before.columns.finalize);
    expect(after.columns.tag).not.toBe(before.columns.tag);
    // One shot in scope: only its cards; back to all: every card again.
    const one = sel({ ...base, shotMarks, shotScope: shots[1]!.id });
    expect([...one.byId.keys()].sort()).toEqual([1, 3, 5].map((i) => takeFacts(i).id));
    expect(sel({ ...base, shotMarks }).byId.size).toBe(6);
  });
});
