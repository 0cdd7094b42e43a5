import { afterEach, expect, it } from 'vitest';
import { makeClip } from '../support/clips';
import { FakeClock } from '../support/core';
import { ENGINES, needsOn, testCoreOn } from '../support/coreOn';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Retention asks the takes and the board what to keep: shortlisted previews and previews awaiting
// their release re-render stay past the plan's days; other previews go (metadata stays). On both engines.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

for (const engine of ENGINES) describeWith(needsOn(engine), `retention × takes · ${engine}`, () => {
  it('sweeps old previews except shortlisted ones, and says why it keeps them', async () => {
    const clips = tempDir('ct-ret-');
    cleanups.push(clips.cleanup);
    const clock = new FakeClock();
    const a = makeClip(clips.dir, 'a.mp4', { width: 1280, height: 720, durationSec: 1, audio: 'none' });
    const provider = new ScriptedProvider('runway', a);
    const t = await testCoreOn(engine, { clock, config: { providerOverrides: [provider], pollIntervalMs: { runway: 1 } } });
    cleanups.push(t.cleanup);
    const { core } = t;
    await core.ledger.purchase({ id: 'buy', surface: 'api', credits: 1000 });
    await core.queue.start();
    const r = await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'kept or swept', variations: 2 }, projectName: 'Ret' }));
    for (let i = 0; i < 500 && (await core.queue.get(r.jobId)).status !== 'succeeded'; i++) await new Promise((res) => setTimeout(res, 10));
    await core.takeChecks.idle();
    const [keep, drop] = await core.takes.byJob(r.jobId);
    await core.board.tag([keep!.id], 'promising', 'reviewer');
    await core.board.tag([drop!.id], 'discard', 'reviewer');
    await core.board.setRule((await core.queue.get(r.jobId)).projectId, { mode: 'top', n: 1, percent: 10 }, 'reviewer');

    clock.advance(8 * 24 * 3600 * 1000); // past the 7-day preview retention
    const plan = await core.retention.plan();
    const goes = plan.goes.map((x) => x.artifactId);
    const kept = plan.kept.map((x) => x.artifactId);
    // Identical bytes are stored once: both takes may share one file, but each has its own artifact id.
    expect(goes).toContain(drop!.artifactId);
    expect(kept).toContain(keep!.artifactId);
    expect(plan.kept.find((x) => x.artifactId === keep!.artifactId)).toMatchObject({ keptBecause: expect.stringContaining('shortlisted') });
  });
});
