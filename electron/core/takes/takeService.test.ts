import { afterEach, expect, it } from 'vitest';
import type { Take } from '../../../shared/contract/takes';
import { boardKit, type BoardKit } from '../../../test/support/boardKit';
import { checkReport } from '../../../test/support/boardSeed';
import { describeEachEngine } from '../../../test/support/engines';
import { artifactCheckRepo } from '../media/check/artifactChecks';
import type { NewTake } from './takeRepo';

let kits: BoardKit[] = [];
afterEach(() => {
  kits.forEach((k) => k.cleanup());
  kits = [];
});

describeEachEngine('TakeService', (open) => {
  async function setup() {
    const k = boardKit(await open());
    kits.push(k);
    const p = await k.project('Spot');
    const shot = await k.shot(p.id, 'Open');
    await k.seedJob({ id: 'job_0000000001', projectId: p.id, shotId: shot.id, variations: 3 });
    const art = async (id: string, n: number) =>
      k.engine.run(`INSERT INTO artifacts (id, class, project_id, job_id, n, rel_path, sha256, size_bytes, created_at) VALUES (?, 'preview', ?, 'job_0000000001', ?, ?, ?, 10, 1)`, [id, p.id, n, `p/${id}.mp4`, 'a'.repeat(64)]);
    const newTake = (n: number, over: Partial<NewTake> = {}): NewTake => ({
      id: `tk_000000000${n}`, jobId: 'job_0000000001', projectId: p.id, shotId: shot.id, n, artifactClass: 'preview', artifactId: `art_${n}`,
      sourceTakeId: null, model: 'gen4_turbo', durationSec: 2.5, width: 1280, height: 720, credits: 25, ...over,
    });
    return { k, p, shot, art, newTake };
  }

  it('stores a take inside the caller’s transaction and reads it back in one shape, by id, project, shot and job', async () => {
    const { k, p, shot, art, newTake } = await setup();
    await art('art_0', 0);
    await art('art_1', 1);
    // A caller's transaction that fails after the insert leaves no take behind.
    await expect(k.engine.tx(async (q) => {
      await k.takes.insertIn(q, newTake(0));
      throw new Error('the task could not end');
    })).rejects.toThrow(/could not end/);
    await expect(k.takes.get('tk_0000000000')).rejects.toThrow(/No take with id tk_0000000000\./);
    k.clock.advance(5);
    await k.engine.tx(async (q) => {
      await k.takes.insertIn(q, newTake(1));
      await k.takes.insertIn(q, newTake(0));
    });
    const want: Take = { ...newTake(0), checkStatus: 'pending', checks: null, createdAt: k.clock.now() };
    expect(await k.takes.get('tk_0000000000')).toEqual(want);
    expect((await k.takes.byJob('job_0000000001')).map((t) => t.n)).toEqual([0, 1]);
    expect((await k.takes.list(p.id)).map((t) => t.id)).toEqual(['tk_0000000000', 'tk_0000000001']);
    expect(await k.takes.list(p.id, shot.id)).toEqual(await k.takes.list(p.id));
    const other = await k.shot(p.id, 'Close');
    expect(await k.takes.list(p.id, other.id)).toEqual([]);
  });

  it('records the auto-check’s verdicts on the take, announces them once, and answers them as the clip’s latest check', async () => {
    const { k, art, newTake } = await setup();
    await art('art_0', 0);
    await k.engine.tx((q) => k.takes.insertIn(q, newTake(0)));
    k.seen.length = 0;
    const checks = checkReport(['black']);
    const take = await k.takes.recordChecks('tk_0000000000', 'failed', checks);
    expect(take).toMatchObject({ checkStatus: 'failed', checks });
    expect(k.seen).toEqual([{ name: 'takes.changed', payload: { take } }]);
    const auto = { artifactId: 'art_0', report: { ok: false, checks }, checkedAt: k.clock.now() };
    expect(await artifactCheckRepo.latest(k.engine, 'art_0')).toEqual(auto);
    expect(await artifactCheckRepo.last(k.engine, 'art_0')).toBeNull();
    // A check by hand, later: the newer answers; an older one does not.
    const byHand = { ok: true, checks: checkReport() };
    await k.engine.tx((q) => artifactCheckRepo.save(q, 'art_0', byHand, k.clock.now() + 10));
    expect(await artifactCheckRepo.latest(k.engine, 'art_0')).toEqual({ artifactId: 'art_0', report: byHand, checkedAt: k.clock.now() + 10 });
    await k.engine.tx((q) => artifactCheckRepo.save(q, 'art_0', byHand, k.clock.now() - 10));
    expect(await artifactCheckRepo.latest(k.engine, 'art_0')).toEqual(auto);
    // A check that could not run leaves no verdicts to answer.
    await k.takes.recordChecks('tk_0000000000', 'error', null);
    expect(await artifactCheckRepo.latest(k.engine, 'art_0')).toEqual({ artifactId: 'art_0', report: byHand, checkedAt: k.clock.now() - 10 });
    await expect(k.takes.recordChecks('tk_000000nope', 'passed', [])).rejects.toThrow(/No take with id tk_000000nope/);
  });
});
