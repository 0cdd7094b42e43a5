import { afterEach, expect, it } from 'vitest';
import type { BoardChange, BoardView } from '../../../shared/contract/board';
import { boardKit, type BoardKit } from '../../../test/support/boardKit';
import { checkReport } from '../../../test/support/boardSeed';
import { describeEachEngine, type EngineOpener } from '../../../test/support/engines';

let kits: BoardKit[] = [];
afterEach(() => {
  kits.forEach((k) => k.cleanup());
  kits = [];
});

/** A project with one shot and `n` checked preview takes (plus a pending one when asked). */
async function setupOn(open: EngineOpener, n = 4, opts: { pending?: boolean } = {}) {
  const k = boardKit(await open());
  kits.push(k);
  const p = await k.project('Spot');
  const shot = await k.shot(p.id, 'Open');
  await k.seedJob({ id: 'job_0000000001', projectId: p.id, shotId: shot.id, variations: n });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `tk_000000000${i}`;
    await k.seedTake({ id, jobId: 'job_0000000001', projectId: p.id, shotId: shot.id, n: i, checks: checkReport(), createdAt: 1000 + i });
    ids.push(id);
  }
  if (opts.pending) await k.seedTake({ id: 'tk_00000000pend', jobId: 'job_0000000001', projectId: p.id, shotId: shot.id, n: 9, checkStatus: 'pending', checks: null, createdAt: 2000 });
  return { k, p, shot, ids };
}

const stageOf = (v: BoardView, id: string) => v.shots.flatMap((s) => s.takes).find((t) => t.id === id)?.stage;
const stages = (v: BoardView) => Object.fromEntries(v.shots.flatMap((s) => s.takes).map((t) => [t.id, t.stage]));

describeEachEngine('BoardService', (open) => {
  const setup = (n?: number, opts?: { pending?: boolean }) => setupOn(open, n, opts);

  it('puts checked takes in Tag, pending ones in Auto-check, and moves a pick into the shortlist', async () => {
    const { k, p, ids } = await setup(4, { pending: true });
    let v = await k.board.view(p.id);
    expect(v.rule).toEqual({ mode: 'percent', n: 3, percent: 10 });
    expect(stageOf(v, 'tk_00000000pend')).toBe('autocheck');
    expect(ids.map((id) => stageOf(v, id))).toEqual(['tag', 'tag', 'tag', 'tag']);
    await k.board.tag([ids[2]!], 'promising', 'ana');
    v = await k.board.view(p.id);
    expect(stageOf(v, ids[2]!)).toBe('shortlist');
    expect(v.shots[0]!.takes.find((t) => t.id === ids[2])!.tags).toMatchObject([{ tag: 'promising', author: 'ana', isAuto: false }]);
  });

  it('answers one shot with only its takes and their marks, the same cards as the whole project shows', async () => {
    const { k, p, shot, ids } = await setup(3);
    const other = await k.shot(p.id, 'Close');
    await k.seedJob({ id: 'job_0000000002', projectId: p.id, shotId: other.id, variations: 2 });
    const far = ['tk_00000000f0', 'tk_00000000f1'];
    for (const [i, id] of far.entries()) await k.seedTake({ id, jobId: 'job_0000000002', projectId: p.id, shotId: other.id, n: i, checks: checkReport(), createdAt: 3000 + i });
    await k.board.tag([ids[0]!, far[0]!], 'promising', 'ana');
    await k.board.rate([ids[1]!, far[1]!], 4, 'ana');
    await k.board.setOverride([far[1]!], 'out', 'ana');
    await k.board.addComment(far[0]!, 'warmer', 'ben');
    const whole = await k.board.view(p.id);
    for (const [s, mine] of [[shot.id, ids], [other.id, far]] as const) {
      const one = await k.board.view(p.id, s);
      expect(one.shots.map((x) => x.shot.id)).toEqual([s]);
      expect(one.shots[0]!.takes.map((t) => t.id).sort()).toEqual([...mine].sort());
      expect(one.shots[0]!.takes).toEqual(whole.shots.find((x) => x.shot.id === s)!.takes);
    }
    const closeUp = (await k.board.view(p.id, other.id)).shots[0]!.takes;
    expect(closeUp.find((t) => t.id === far[0])).toMatchObject({ comments: 1, tags: [{ tag: 'promising', author: 'ana' }] });
    expect(closeUp.find((t) => t.id === far[1])).toMatchObject({ override: 'out', stars: [{ stars: 4, author: 'ana' }] });
  });

  it('keeps one verdict per author, shows every author, and emits board.changed with the marks', async () => {
    const { k, p, ids } = await setup(2);
    k.seen.length = 0;
    await k.board.tag([ids[0]!], 'promising', 'ana');
    await k.board.tag([ids[0]!], 'needs-fix', 'ben');
    const change = await k.board.tag([ids[0]!], 'discard', 'ana');
    expect(change.marks[0]!.tags.map((t) => [t.author, t.tag]).sort()).toEqual([['ana', 'discard'], ['ben', 'needs-fix']]);
    const events = k.seen.filter((e) => e.name === 'board.changed').map((e) => e.payload as BoardChange);
    expect(events).toHaveLength(3);
    expect(events[2]!.projectId).toBe(p.id);
    expect(stageOf((await k.board.view(p.id)), ids[0]!)).toBe('tag');
  });

  it('cuts the shortlist per shot by the rule, and the rule can be changed and undone', async () => {
    const { k, p, ids } = await setup(6);
    await k.board.tag(ids.slice(0, 4), 'promising', 'ana');
    (await k.board.tag([ids[3]!], 'promising', 'ben')); // the best
    // 10 % of 6 → 1
    expect(Object.values(stages((await k.board.view(p.id)))).filter((s) => s === 'shortlist')).toHaveLength(1);
    expect(stageOf((await k.board.view(p.id)), ids[3]!)).toBe('shortlist');
    await k.board.setRule(p.id, { mode: 'top', n: 3, percent: 10 }, 'ana');
    expect(Object.values(stages((await k.board.view(p.id)))).filter((s) => s === 'shortlist')).toHaveLength(3);
    expect((await k.board.undo(p.id, 'ana')).undone).toBe('shortlist the top 3');
    expect(await k.board.rule(p.id)).toEqual({ mode: 'percent', n: 3, percent: 10 });
  });

  it('applies manual overrides in and out', async () => {
    const { k, p, ids } = await setup(3);
    await k.board.tag([ids[0]!], 'promising', 'ana');
    await k.board.setOverride([ids[0]!], 'out', 'ana');
    await k.board.setOverride([ids[1]!], 'in', 'ana');
    const v = await k.board.view(p.id);
    expect(stageOf(v, ids[0]!)).toBe('tag');
    expect(stageOf(v, ids[1]!)).toBe('shortlist');
    await k.board.setOverride([ids[0]!, ids[1]!], null, 'ana');
    expect(stages((await k.board.view(p.id)))).toMatchObject({ [ids[0]!]: 'shortlist', [ids[1]!]: 'tag' });
  });

  it("undoes the author's own actions newest first, restoring earlier verdicts exactly", async () => {
    const { k, p, ids } = await setup(3);
    await k.board.tag([ids[0]!, ids[1]!], 'promising', 'ana');
    k.clock.advance(10);
    await k.board.tag([ids[1]!], 'discard', 'ana');
    await k.board.tag([ids[2]!], 'needs-fix', 'ben');
    await k.board.setOverride([ids[2]!], 'in', 'ana');

    expect(await k.board.undo(p.id, 'ana')).toMatchObject({ undone: 'shortlist 1 take', remaining: 2, marks: [{ takeId: ids[2]!, override: null }] });
    expect((await k.board.marks(ids[2]!)).override).toBeNull();
    expect((await k.board.undo(p.id, 'ana')).undone).toBe('tag discard on 1 take');
    expect((await k.board.marks(ids[1]!)).tags).toMatchObject([{ author: 'ana', tag: 'promising', at: k.clock.t - 10 }]);
    expect((await k.board.undo(p.id, 'ana')).undone).toBe('tag promising on 2 takes');
    expect((await k.board.marks(ids[0]!)).tags).toEqual([]);
    expect((await k.board.marks(ids[1]!)).tags).toEqual([]);
    // Ben's verdict is his own: Ana's undo never touched it.
    expect((await k.board.marks(ids[2]!)).tags).toMatchObject([{ author: 'ben', tag: 'needs-fix' }]);
    expect(await k.board.undo(p.id, 'ana')).toEqual({ undone: null, remaining: 0, marks: [], rule: null });
    expect((await k.board.undo(p.id, 'ben')).undone).toBe('tag needs-fix on 1 take');
  });

  it('removes a verdict only when it matches, and undo brings it back', async () => {
    const { k, p, ids } = await setup(1);
    await k.board.tag([ids[0]!], 'promising', 'ana');
    await k.board.untag([ids[0]!], 'discard', 'ana');
    expect((await k.board.marks(ids[0]!)).tags).toHaveLength(1);
    await k.board.untag([ids[0]!], undefined, 'ana');
    expect((await k.board.marks(ids[0]!)).tags).toHaveLength(0);
    await k.board.undo(p.id, 'ana');
    expect((await k.board.marks(ids[0]!)).tags).toMatchObject([{ tag: 'promising' }]);
  });

  it('auto-tags needs-fix with the reason, idempotently, and reserves the auto-check author', async () => {
    const { k, ids } = await setup(1);
    await k.board.autoTag(ids[0]!, 'black: 82 % of frames');
    await k.board.autoTag(ids[0]!, 'black: 82 % of frames');
    expect((await k.board.marks(ids[0]!)).tags).toMatchObject([{ tag: 'needs-fix', author: 'auto-check', isAuto: true, reason: 'black: 82 % of frames' }]);
    await expect(k.board.tag([ids[0]!], 'promising', 'Auto-Check')).rejects.toThrow(/reserved/);
    await k.board.clearAutoTag(ids[0]!);
    expect((await k.board.marks(ids[0]!)).tags).toEqual([]);
  });

  it('refuses unknown takes and takes of two projects, changing nothing', async () => {
    const { k, ids } = await setup(1);
    const q = await k.project('Other');
    const s2 = await k.shot(q.id, 'A');
    await k.seedJob({ id: 'job_0000000002', projectId: q.id, shotId: s2.id });
    await k.seedTake({ id: 'tk_0000000other', jobId: 'job_0000000002', projectId: q.id, shotId: s2.id });
    await expect(k.board.tag([ids[0]!, 'tk_0000000nope'], 'promising', 'ana')).rejects.toThrow(/No take with id tk_0000000nope/);
    await expect(k.board.tag([ids[0]!, 'tk_0000000other'], 'promising', 'ana')).rejects.toThrow(/one project/);
    expect((await k.board.marks(ids[0]!)).tags).toEqual([]);
  });

  it('keeps comments per take with counts on the card, and deletes them', async () => {
    const { k, p, ids } = await setup(1);
    const c = await k.board.addComment(ids[0]!, '  Hands look odd at 0:03  ', 'ana');
    await k.board.addComment(ids[0]!, 'Agreed', 'ben');
    expect((await k.board.comments(ids[0]!)).map((x) => [x.author, x.body])).toEqual([['ana', 'Hands look odd at 0:03'], ['ben', 'Agreed']]);
    expect((await k.board.view(p.id)).shots[0]!.takes[0]!.comments).toBe(2);
    await k.board.deleteComment(c.id);
    expect(await k.board.comments(ids[0]!)).toHaveLength(1);
    await expect(k.board.deleteComment(c.id)).rejects.toThrow(/No comment/);
  });

  it('shows drafts for active jobs, a running release in Finalize, and a published take', async () => {
    const { k, p, shot, ids } = await setup(2);
    await k.seedJob({ id: 'job_00000draft', projectId: p.id, shotId: shot.id, status: 'running', variations: 2, estimatedCredits: 50, tasks: [{ status: 'submitted', progress: 0.4 }, { status: 'pending' }] });
    await k.board.tag([ids[0]!], 'promising', 'ana');
    await k.seedJob({ id: 'job_000release', projectId: p.id, shotId: shot.id, artifactClass: 'release', status: 'running', sourceTakeId: ids[0]!, tasks: [{ status: 'submitted', progress: 0.25 }] });
    let v = await k.board.view(p.id);
    expect(v.shots[0]!.drafts.map((d) => [d.n, d.progress, d.credits])).toEqual([[0, 0.4, 25], [1, null, 25]]);
    const card = v.shots[0]!.takes.find((t) => t.id === ids[0]);
    expect(card).toMatchObject({ stage: 'finalize', release: { jobId: 'job_000release', progress: 0.25, status: 'running' } });
    expect(v.activeJobs.map((j) => j.id).sort()).toEqual(['job_00000draft', 'job_000release']);

    await k.engine.run("UPDATE jobs SET status = 'succeeded' WHERE id = 'job_000release'");
    await k.seedTake({ id: 'tk_0000release', jobId: 'job_000release', projectId: p.id, shotId: shot.id, artifactClass: 'release', sourceTakeId: ids[0]!, createdAt: 5000 });
    await k.board.markPublished(['tk_0000release'], '/exports/spot');
    v = await k.board.view(p.id);
    expect(v.shots[0]!.takes.map((t) => t.id)).not.toContain('tk_0000release');
    expect(stageOf(v, ids[0]!)).toBe('published');
    expect(await k.board.publishedAt('tk_0000release')).toBe(k.clock.now());
    expect(await k.board.publishedAt(ids[0]!)).toBe(k.clock.now());
    expect(await k.board.publishedAt(ids[1]!)).toBeNull();
    expect(await k.board.shortlisted(p.id)).toEqual([]);
  });

  it('views one shot when asked, and names a shot that is not there', async () => {
    const { k, p, shot } = await setup(1);
    await k.shot(p.id, 'Second');
    expect((await k.board.view(p.id, shot.id)).shots.map((s) => s.shot.name)).toEqual(['Open']);
    await expect(k.board.view(p.id, 'sht_000000000nope')).rejects.toThrow(/No shot/);
  });
});
