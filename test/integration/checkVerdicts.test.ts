import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/nodePorts';
import type { Take } from '../../shared/contract/takes';
import { settleAll } from '../support/core';
import { ENGINES, needsOn, testCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';

// A check's verdicts are stored once and announced once (issue 16 item 2), on a real core with the
// simulator and real ffmpeg: the auto-check's verdicts live on the take; a check run by hand lives in
// artifact_checks; media.lastCheck answers the newer. On both engines (a whole core on SQLite or PostgreSQL).
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

for (const engine of ENGINES) describeWith(needsOn(engine), `check verdicts · ${engine}`, () => {
  it('the auto-check stores its verdicts on the take only and announces them with one takes.changed', async () => {
    const t = await testCoreOn(engine, { clock: systemClock, config: { pollIntervalMs: { local: 20 } } });
    cleanups.push(t.cleanup);
    const { core } = t;
    const heard: { name: string; payload: unknown }[] = [];
    core.events.subscribe((name, payload) => heard.push({ name, payload }));
    await core.queue.start();
    const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a lighthouse at dusk', variations: 2 };
    const { jobId } = await core.queue.submit(submitRequest({ params, projectName: 'Verdicts', shotName: 'Open' }));
    await settleAll(core);
    const takes = await core.takes.byJob(jobId);
    expect(takes).toHaveLength(2);
    for (const take of takes) {
      expect(take.checkStatus).toMatch(/^(passed|failed)$/);
      // Announced once with its verdicts (the store's own announcement is the pending take).
      const verdicts = heard.filter((h) => h.name === 'takes.changed' && (h.payload as { take: Take }).take.id === take.id && (h.payload as { take: Take }).take.checkStatus !== 'pending');
      expect(verdicts).toHaveLength(1);
      expect((verdicts[0]!.payload as { take: Take }).take.checks).toEqual(take.checks);
      // Stored once: nothing in artifact_checks; media.lastCheck answers the take's verdicts.
      expect(await core.engine.get('SELECT count(*) AS n FROM artifact_checks WHERE artifact_id = ?', [take.artifactId])).toEqual({ n: 0 });
      const last = await core.dispatch('media.lastCheck', { id: take.artifactId }, { role: 'owner', door: 'cli' });
      expect(last).toMatchObject({ ok: true, value: { artifactId: take.artifactId, report: { ok: take.checkStatus === 'passed', checks: take.checks } } });
    }
    expect(heard.filter((h) => h.name === 'media.checked')).toEqual([]);

    // A check by hand, against other expectations: its own report, announced by media.checked; the take keeps the auto-check's.
    const take = takes[0]!;
    await new Promise((r) => setTimeout(r, 5));
    const byHand = await core.dispatch('media.check', { id: take.artifactId, expect: { durationSec: 9 } }, { role: 'owner', door: 'cli' });
    expect(byHand).toMatchObject({ ok: true, value: { ok: false } });
    expect(heard.filter((h) => h.name === 'media.checked')).toEqual([{ name: 'media.checked', payload: { artifactId: take.artifactId, ok: false } }]);
    expect(await core.takes.get(take.id)).toEqual(take);
    const last = await core.dispatch('media.lastCheck', { id: take.artifactId }, { role: 'owner', door: 'cli' });
    expect(last).toMatchObject({ ok: true, value: { report: (byHand as { value: unknown }).value } });
  }, 120_000);
});
