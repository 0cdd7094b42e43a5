import { afterEach, describe, expect, it } from 'vitest';
import { NewComment, type BoardChange } from '../../../shared/contract/board';
import type { Drawing } from '../../../shared/contract/drawing';
import { boardKit, type BoardKit } from '../../../test/support/boardKit';
import { checkReport } from '../../../test/support/boardSeed';
import { describeEachEngine, type EngineOpener } from '../../../test/support/engines';

// Star ratings (undoable, part of the score) and frame-accurate comments (timecode, range, drawing)
// on a real BoardService over a temp-file SQLite database.

let kits: BoardKit[] = [];
afterEach(() => {
  kits.forEach((k) => k.cleanup());
  kits = [];
});

async function setupOn(open: EngineOpener, n = 3) {
  const k = boardKit(await open());
  kits.push(k);
  const p = await k.project('Spot');
  const shot = await k.shot(p.id, 'Open');
  await k.seedJob({ id: 'job_0000000001', projectId: p.id, shotId: shot.id, variations: n });
  const ids = Array.from({ length: n }, (_, i) => `tk_000000000${i}`);
  for (const [i, id] of ids.entries()) await k.seedTake({ id, jobId: 'job_0000000001', projectId: p.id, shotId: shot.id, n: i, checks: checkReport(), durationSec: 4, createdAt: 1000 + i });
  return { k, p, ids };
}

const DRAWING: Drawing = {
  shapes: [
    { kind: 'arrow', from: { x: 0.1, y: 0.2 }, to: { x: 0.5, y: 0.5 }, color: '#ff3b30' },
    { kind: 'box', from: { x: 0.6, y: 0.1 }, to: { x: 0.9, y: 0.4 }, color: '#ffcc00' },
    { kind: 'freehand', points: [{ x: 0.2, y: 0.8 }, { x: 0.25, y: 0.82 }, { x: 0.3, y: 0.79 }], color: '#34c759' },
  ],
};

describeEachEngine('review marks', (open) => {
  const setup = (n?: number) => setupOn(open, n);

  describe('star ratings', () => {
    it('keeps one rating per author, counts it in the score and the shortlist order, and undoes it', async () => {
      const { k, p, ids } = await setup(3);
      const cardOf = async (id: string) => (await k.board.view(p.id)).shots[0]!.takes.find((t) => t.id === id)!;
      // Two picks with the same score: the older one leads the shortlist until the newer gets 5 stars.
      await k.board.setRule(p.id, { mode: 'top', n: 1, percent: 10 }, 'ana');
      await k.board.tag([ids[0]!, ids[1]!], 'promising', 'ana');
      expect((await k.board.shortlisted(p.id)).map((t) => t.id)).toEqual([ids[0]]);
      const before = (await cardOf(ids[1]!)).score;

      const change: BoardChange = await k.board.rate([ids[1]!], 5, 'ana');
      expect(change.marks[0]!.stars).toEqual([{ author: 'ana', stars: 5, at: k.clock.now() }]);
      expect((await cardOf(ids[1]!)).score).toBe(before + 2);
      expect((await k.board.shortlisted(p.id)).map((t) => t.id)).toEqual([ids[1]]);

      // A second author's rating sits beside it; the same author's new rating replaces theirs.
      await k.board.rate([ids[1]!], 1, 'ben');
      await k.board.rate([ids[1]!], 4, 'ana');
      expect((await cardOf(ids[1]!)).stars.map((s) => [s.author, s.stars]).sort()).toEqual([['ana', 4], ['ben', 1]]);
      expect((await cardOf(ids[1]!)).score).toBe(before + 1 - 2);

      // Undo walks ana's ratings back: 4 → 5 → none; ben's stays.
      expect((await k.board.undo(p.id, 'ana')).undone).toBe('4 ★ on 1 take');
      expect((await cardOf(ids[1]!)).stars.find((s) => s.author === 'ana')!.stars).toBe(5);
      await k.board.undo(p.id, 'ana');
      expect((await cardOf(ids[1]!)).stars.map((s) => s.author)).toEqual(['ben']);

      // Clearing removes only the author's own rating, and clearing nothing records no undo step.
      await k.board.rate([ids[1]!], null, 'ben');
      expect((await cardOf(ids[1]!)).stars).toEqual([]);
      const steps = (await k.board.undo(p.id, 'ben')).remaining;
      await k.board.rate([ids[2]!], null, 'ben');
      expect((await k.board.undo(p.id, 'ben')).remaining).toBe(Math.max(0, steps - 1));
    });

    it('is refused for the auto-check author and across projects, writing nothing', async () => {
      const { k, ids } = await setup(1);
      await expect(k.board.rate([ids[0]!], 3, 'auto-check')).rejects.toThrow(/reserved/);
      await expect(k.board.rate([ids[0]!, 'tk_0000000nope'], 3, 'ana')).rejects.toThrow(/No take/);
      expect((await k.board.marks(ids[0]!)).stars).toEqual([]);
    });
  });

  describe('frame-accurate comments', () => {
    it('stores a timecode, a range and a drawing, and reads them back in order', async () => {
      const { k, ids } = await setup(1);
      await k.board.addComment(ids[0]!, 'Whole take: lovely grade', 'ana');
      const c = await k.board.addComment(ids[0]!, 'Hand glitches here', 'ben', { atSec: 1.25, endSec: 2.5, drawing: DRAWING });
      expect(c).toMatchObject({ atSec: 1.25, endSec: 2.5, drawing: DRAWING });
      const list = await k.board.comments(ids[0]!);
      expect(list.map((x) => [x.body, x.atSec, x.endSec])).toEqual([
        ['Whole take: lovely grade', null, null],
        ['Hand glitches here', 1.25, 2.5],
      ]);
      expect(list[1]!.drawing).toEqual(DRAWING);
    });

    it('refuses a timecode past the end of the take, naming the field; nothing is stored', async () => {
      const { k, ids } = await setup(1);
      await expect(k.board.addComment(ids[0]!, 'late', 'ana', { atSec: 9 })).rejects.toThrow(/atSec: 9 s is past the end of this take \(4 s\)/);
      await expect(k.board.addComment(ids[0]!, 'late', 'ana', { atSec: 1, endSec: 4.5 })).rejects.toThrow(/endSec/);
      expect(await k.board.comments(ids[0]!)).toEqual([]);
    });

    it('the contract names the field of a bad range or drawing', async () => {
      const base = { takeId: 'tk_0000000000', body: 'x' };
      const issue = (v: unknown) => {
        const r = NewComment.safeParse(v);
        return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
      };
      expect(issue({ ...base, atSec: 2, endSec: 1 })).toMatch(/^endSec: must come after atSec/);
      expect(issue({ ...base, endSec: 1 })).toMatch(/^endSec/);
      expect(issue({ ...base, drawing: DRAWING })).toMatch(/^drawing: needs atSec/);
      expect(issue({ ...base, atSec: 1, drawing: { shapes: [{ kind: 'box', from: { x: 0, y: 0 }, to: { x: 1.5, y: 1 }, color: '#fff' }] } })).toMatch(/^drawing\.shapes\.0\.to\.x: must be within the frame/);
      expect(issue({ ...base, atSec: 1, drawing: { shapes: [{ kind: 'circle', color: '#fff' }] } })).toMatch(/^drawing\.shapes\.0/);
      expect(issue({ ...base, atSec: 1, drawing: { shapes: [{ kind: 'arrow', from: { x: 0, y: 0 }, to: { x: 1, y: 1 }, color: 'red' }] } })).toMatch(/color: must be a hex colour/);
      expect(issue({ ...base, atSec: -1 })).toMatch(/^atSec: must not be negative/);
      expect(issue({ ...base, atSec: 1, endSec: 2, drawing: DRAWING })).toBeNull();
    });

    it('a stored drawing that no longer parses is refused with the comment id, not half-shown', async () => {
      const { k, ids } = await setup(1);
      const c = await k.board.addComment(ids[0]!, 'box', 'ana', { atSec: 1, drawing: DRAWING });
      await k.engine.run(`UPDATE take_comments SET drawing_json = '{"shapes":[{"kind":"blob"}]}' WHERE id = ?`, [c.id]);
      await expect(k.board.comments(ids[0]!)).rejects.toThrow(new RegExp(`drawing of comment ${c.id} cannot be read back`));
    });
  });
});
