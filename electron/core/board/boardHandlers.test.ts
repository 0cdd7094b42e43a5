import { afterEach, expect, it } from 'vitest';
import type { BoardView } from '../../../shared/contract/board';
import { checkReport, seedJobQ, seedTakeQ } from '../../../test/support/boardSeed';
import { ENGINES, testCoreOn, type EngineName } from '../../../test/support/coreOn';
import { pgNeed } from '../../../test/support/engines';
import { describeWith } from '../../../test/support/needs';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The board through the one call loop every door uses, on a real core on either engine. */
async function setup(engine: EngineName) {
  const t = await testCoreOn(engine);
  cleanups.push(t.cleanup);
  const { core } = t;
  const p = await core.projects.create('Spot');
  const s = await core.shots.create(p.id, 'Open');
  await seedJobQ(core.engine, { id: 'job_0000000001', projectId: p.id, shotId: s.id, variations: 2 });
  await seedTakeQ(core.engine, { id: 'tk_0000000001', jobId: 'job_0000000001', projectId: p.id, shotId: s.id, checks: checkReport() });
  await seedTakeQ(core.engine, { id: 'tk_0000000002', jobId: 'job_0000000001', projectId: p.id, shotId: s.id, n: 1, checks: checkReport() });
  return { core, p, s };
}

for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `board handlers · ${engine}`, () => {
  it('a reviewer tags under their name and sees the card move; the event reaches subscribers', async () => {
    const { core, p } = await setup(engine);
    const events: string[] = [];
    core.events.subscribe((name) => events.push(name));
    const r = await core.dispatch('tags.add', { takeIds: ['tk_0000000001'], tag: 'promising', author: 'Ana' }, { role: 'reviewer', door: 'host' });
    expect(r.ok).toBe(true);
    expect(events).toContain('board.changed');
    const v = await core.dispatch('board.view', { projectId: p.id }, { role: 'reviewer', door: 'host' });
    expect(v.ok).toBe(true);
    const view = (v as { value: BoardView }).value;
    expect(view.shots[0]!.takes.find((t) => t.id === 'tk_0000000001')).toMatchObject({ stage: 'shortlist', tags: [{ author: 'Ana', tag: 'promising' }] });
  });

  it('uses the role as the author when none is given, and undo reverts it', async () => {
    const { core, p } = await setup(engine);
    await core.dispatch('tags.add', { takeIds: ['tk_0000000002'], tag: 'discard' }, { role: 'owner', door: 'cli' });
    expect((await core.board.marks('tk_0000000002')).tags).toMatchObject([{ author: 'owner', tag: 'discard' }]);
    const u = await core.dispatch('board.undo', { projectId: p.id }, { role: 'owner', door: 'cli' });
    expect(u).toMatchObject({ ok: true, value: { undone: 'tag discard on 1 take', remaining: 0, marks: [{ takeId: 'tk_0000000002', tags: [] }], rule: null } });
    expect((await core.board.marks('tk_0000000002')).tags).toEqual([]);
  });

  it('refuses a shortlist rule change from a reviewer and a bad rule with the field named', async () => {
    const { core, p } = await setup(engine);
    const forbidden = await core.dispatch('shortlist.auto', { projectId: p.id, rule: { mode: 'top', n: 2, percent: 10 } }, { role: 'reviewer', door: 'host' });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bad = await core.dispatch('shortlist.auto', { projectId: p.id, rule: { mode: 'top', n: 0, percent: 10 } }, { role: 'owner', door: 'host' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('rule.n') } });
    expect((await core.board.rule(p.id)).n).toBe(3);
  });

  it('names an unknown take and writes nothing', async () => {
    const { core } = await setup(engine);
    const r = await core.dispatch('tags.add', { takeIds: ['tk_0000000001', 'tk_000000nope'], tag: 'promising' }, { role: 'owner', door: 'host' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('tk_000000nope') } });
    expect((await core.board.marks('tk_0000000001')).tags).toEqual([]);
  });
});
