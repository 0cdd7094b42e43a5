import { afterEach, describe, expect, it } from 'vitest';
import { NewComment, type BoardChange } from '../../../shared/contract/board';
import type { Drawing } from '../../../shared/contract/drawing';
import { boardKit, type BoardKit } from '../../../test/support/boardKit';
import { checkReport, seedJob, seedTake } from '../../../test/support/boardSeed';

// Star ratings (undoable, part of the score) and frame-accurate comments (timecode, range, drawing)
// on a real BoardService over a temp-file SQLite database.

let kits: BoardKit[] = [];
afterEach(() => {
  kits.forEach((k) => k.cleanup());
  kits = [];
});

function setup(n = 3) {
  const k = boardKit();
  kits.push(k);
  const p = k.projects.create('Spot');
  const shot = k.shots.create(p.id, 'Open');
  seedJob(k.conn, { id: 'job_0000000001', projectId: p.id, shotId: shot.id, variations: n });
  const ids = Array.from({ length: n }, (_, i) => `tk_000000000${i}`);
  ids.forEach((id, i) => seedTake(k.conn, { id, jobId: 'job_0000000001', projectId: p.id, shotId: shot.id, n: i, checks: checkReport(), durationSec: 4, createdAt: 1000 + i }));
  return { k, p, ids };
}

const DRAWING: Drawing = {
  shapes: [
    { kind: 'arrow', from: { x: 0.1, y: 0.2 }, to: { x: 0.5, y: 0.5 }, color: '#ff3b30' },
    { kind: 'box', from: { x: 0.6, y: 0.1 }, to: { x: 0.9, y: 0.4 }, color: '#ffcc00' },
    { kind: 'freehand', points: [{ x: 0.2, y: 0.8 }, { x: 0.25, y: 0.82 }, { x: 0.3, y: 0.79 }], color: '#34c759' },
  ],
};

describe('star ratings', () => {
  it('keeps one rating per author, counts it in the score and the shortlist order, and undoes it', () => {
    const { k, p, ids } = setup(3);
    const cardOf = (id: string) => k.board.view(p.id).shots[0]!.takes.find((t) => t.id === id)!;
    // Two picks with the same score: the older one leads the shortlist until the newer gets 5 stars.
    k.board.setRule(p.id, { mode: 'top', n: 1, percent: 10 }, 'ana');
    k.board.tag([ids[0]!, ids[1]!], 'promising', 'ana');
    expect(k.board.shortlisted(p.id).map((t) => t.id)).toEqual([ids[0]]);
    const before = cardOf(ids[1]!).score;

    const change: BoardChange = k.board.rate([ids[1]!], 5, 'ana');
    expect(change.marks[0]!.stars).toEqual([{ author: 'ana', stars: 5, at: k.clock.now() }]);
    expect(cardOf(ids[1]!).score).toBe(before + 2);
    expect(k.board.shortlisted(p.id).map((t) => t.id)).toEqual([ids[1]]);

    // A second author's rating sits beside it; the same author's new rating replaces theirs.
    k.board.rate([ids[1]!], 1, 'ben');
    k.board.rate([ids[1]!], 4, 'ana');
    expect(cardOf(ids[1]!).stars.map((s) => [s.author, s.stars]).sort()).toEqual([['ana', 4], ['ben', 1]]);
    expect(cardOf(ids[1]!).score).toBe(before + 1 - 2);

    // Undo walks ana's ratings back: 4 → 5 → none; ben's stays.
    expect(k.board.undo(p.id, 'ana').undone).toBe('4 ★ on 1 take');
    expect(cardOf(ids[1]!).stars.find((s) => s.author === 'ana')!.stars).toBe(5);
    k.board.undo(p.id, 'ana');
    expect(cardOf(ids[1]!).stars.map((s) => s.author)).toEqual(['ben']);

    // Clearing removes only the author's own rating, and clearing nothing records no undo step.
    k.board.rate([ids[1]!], null, 'ben');
    expect(cardOf(ids[1]!).stars).toEqual([]);
    const steps = k.board.undo(p.id, 'ben').remaining;
    k.board.rate([ids[2]!], null, 'ben');
    expect(k.board.undo(p.id, 'ben').remaining).toBe(Math.max(0, steps - 1));
  });

  it('is refused for the auto-check author and across projects, writing nothing', () => {
    const { k, ids } = setup(1);
    expect(() => k.board.rate([ids[0]!], 3, 'auto-check')).toThrow(/reserved/);
    expect(() => k.board.rate([ids[0]!, 'tk_0000000nope'], 3, 'ana')).toThrow(/No take/);
    expect(k.board.marks(ids[0]!).stars).toEqual([]);
  });
});

describe('frame-accurate comments', () => {
  it('stores a timecode, a range and a drawing, and reads them back in order', () => {
    const { k, ids } = setup(1);
    k.board.addComment(ids[0]!, 'Whole take: lovely grade', 'ana');
    const c = k.board.addComment(ids[0]!, 'Hand glitches here', 'ben', { atSec: 1.25, endSec: 2.5, drawing: DRAWING });
    expect(c).toMatchObject({ atSec: 1.25, endSec: 2.5, drawing: DRAWING });
    const list = k.board.comments(ids[0]!);
    expect(list.map((x) => [x.body, x.atSec, x.endSec])).toEqual([
      ['Whole take: lovely grade', null, null],
      ['Hand glitches here', 1.25, 2.5],
    ]);
    expect(list[1]!.drawing).toEqual(DRAWING);
  });

  it('refuses a timecode past the end of the take, naming the field; nothing is stored', () => {
    const { k, ids } = setup(1);
    expect(() => k.board.addComment(ids[0]!, 'late', 'ana', { atSec: 9 })).toThrow(/atSec: 9 s is past the end of this take \(4 s\)/);
    expect(() => k.board.addComment(ids[0]!, 'late', 'ana', { atSec: 1, endSec: 4.5 })).toThrow(/endSec/);
    expect(k.board.comments(ids[0]!)).toEqual([]);
  });

  it('the contract names the field of a bad range or drawing', () => {
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

  it('a stored drawing that no longer parses is refused with the comment id, not half-shown', () => {
    const { k, ids } = setup(1);
    const c = k.board.addComment(ids[0]!, 'box', 'ana', { atSec: 1, drawing: DRAWING });
    k.conn.prepare(`UPDATE take_comments SET drawing_json = '{"shapes":[{"kind":"blob"}]}' WHERE id = ?`).run(c.id);
    expect(() => k.board.comments(ids[0]!)).toThrow(new RegExp(`drawing of comment ${c.id} cannot be read back`));
  });
});
