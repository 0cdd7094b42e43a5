import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { EventName } from '../../shared/contract';
import { FakeClock } from '../support/core';
import { dbNeedsOn, ENGINES, seededCoresOn, type SeededCores } from '../support/coreOn';
import { insertAttemptQ, NOW, seedInsight, START, type Seeded } from '../support/insightSeed';
import { describeWith } from '../support/needs';

// Forecast, calibration and per-project spend thresholds over the seeded database (insightSeed.ts), on
// both engines: the ledger, the attempts log and the insight tables on SQLite or PostgreSQL. Seeded once
// per engine; each case opens a fresh copy of the seeded core.

for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `insight money · ${engine}`, () => {
  let core: Core;
  let seeded: Seeded;
  let notices: string[];
  let cleanup: () => Promise<void>;
  const events: { name: EventName; payload: unknown }[] = [];
  let seededCores: SeededCores<Seeded>;

  beforeAll(async () => {
    seededCores = await seededCoresOn(engine, (c) => seedInsight(c, c.ports.clock as FakeClock), { clock: new FakeClock(START) });
    seeded = seededCores.seeded;
  });
  afterAll(async () => {
    await seededCores.cleanup();
  });

  beforeEach(async () => {
    const t = await seededCores.open({ clock: new FakeClock(NOW) });
    core = t.core;
    cleanup = t.cleanup;
    // testPorts collects OS notifications in `notices`; reach it through the notifier.
    notices = [];
    const notify = core.ports.notifier.notify.bind(core.ports.notifier);
    core.ports.notifier.notify = (title, body) => {
      notices.push(`${title}: ${body}`);
      notify(title, body);
    };
    events.length = 0;
    core.events.subscribe((name, payload) => events.push({ name, payload }));
  });

  afterEach(async () => {
    await cleanup();
  });

  const drafts = { params: { provider: 'local' as const, model: 'gen4_turbo', durationSec: 5, variations: 2 }, count: 10, label: "Next week's drafts" };

  describe('spend forecast', () => {
    it('says whether queued and planned work fit each pool, at the current pace, with the burn-down', async () => {
      // Keep the seeded shortlist out of it (its jobs carry no real prompt to re-render).
      await core.engine.run("INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (?, ?, 'out', 'ana', ?)", [seeded.takes.T7!, seeded.p2, NOW]);
      const f = await core.insight.forecast({ planned: [drafts] });
      expect(f.horizonDays).toBe(30);
      expect(f.planned).toEqual([{ label: "Next week's drafts", projectId: null, credits: 500, surfaces: { local: 500 } }]);
      const local = f.pools.find((p) => p.pool === 'local:grant')!;
      // 10,000 granted − 300 captured + 20 refunded = 9,720 posted; J10 holds 25.
      expect(local).toMatchObject({
        surface: 'local', available: 9_695, reserved: 25, planned: 500,
        // 60 + 40 − 20 + 25 over the last 7 days
        burnPerDay: 15, resetsAt: null, daysToHorizon: 30, fits: true, projectedLeft: 8_745, fitsAtPace: true, runsOutOn: null,
      });
      const past = local.burnDown.filter((p) => !p.isProjected);
      // From the day of the grant (11-02), at its balance, to today: the line never rises from 0.
      expect(past).toHaveLength(22);
      expect(past[0]!.day).toBe('2026-11-02');
      const at = (day: string) => local.burnDown.find((p) => p.day === day && !p.isProjected)!.credits;
      expect([at('2026-11-02'), at('2026-11-03'), at('2026-11-09'), at('2026-11-18'), at('2026-11-19'), at('2026-11-22'), at('2026-11-23')]).toEqual([
        10_000, 9_950, 9_925, 9_725, 9_745, 9_745, 9_695,
      ]);
      const future = local.burnDown.filter((p) => p.isProjected);
      expect(future).toHaveLength(30);
      expect(future[0]).toEqual({ day: '2026-11-24', credits: 9_180, isProjected: true });
      expect(future[29]).toEqual({ day: '2026-12-23', credits: 8_745, isProjected: true });
    });

    it('flags planned work that does not fit, the day the pool runs dry, and a project budget', async () => {
      await core.engine.run("INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (?, ?, 'out', 'ana', ?)", [seeded.takes.T7!, seeded.p2, NOW]);
      await core.ledger.setProjectBudget(seeded.p1, 400);
      const f = await core.insight.forecast({ projectId: seeded.p1, planned: [{ ...drafts, count: 190 }] });
      const local = f.pools.find((p) => p.pool === 'local:grant')!;
      // 190 × 50 = 9,500 planned: 195 left today, gone in 13 days at 15 a day.
      expect(local).toMatchObject({ planned: 9_500, fits: true, projectedLeft: -255, fitsAtPace: false, runsOutOn: '2026-12-06' });
      // The project has spent 265 (holds included) of 400; 9,500 more does not fit.
      expect(f.budgets).toEqual([{ projectId: seeded.p1, projectName: 'Spot', budget: 400, spent: 265, planned: 9_500, left: -9_365, fits: false }]);
      const over = (await core.insight.forecast({ planned: [{ ...drafts, count: 200 }] })).pools.find((p) => p.pool === 'local:grant')!;
      expect(over).toMatchObject({ planned: 10_000, fits: false, runsOutOn: '2026-11-23' });
    });
  });

  describe('calibration', () => {
    const quote = async (ratio: string) => await core.money.quote({ provider: 'local', model: 'gen4_turbo', durationSec: 10, ratio, variations: 4, audio: false, artifactClass: 'preview', upscale: false });

    it('shows the learned rate beside the card with sample counts, and changes no estimate until switched on', async () => {
      const view = await core.insight.calibration();
      expect(view.minSamples).toBe(5);
      const turbo = view.entries.find((e) => e.model === 'gen4_turbo')!;
      expect(turbo).toMatchObject({
        provider: 'local', hasEnoughSamples: true, isEnabled: false, applied: null,
        overall: { resolution: '*', samples: 8, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 4.94, factor: 0.988 },
      });
      expect(turbo.groups).toEqual([
        { resolution: '1280:720', samples: 6, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 4.88, factor: 0.975 },
        { resolution: '720:1280', samples: 2, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 5.2, factor: 1.04 },
      ]);
      expect(view.entries.find((e) => e.model === 'gen4.5')).toMatchObject({ hasEnoughSamples: false, overall: { samples: 1, factor: 1.1 } });
      expect((await quote('1280:720')).estimate.credits).toBe(200);
      expect((await quote('1280:720')).estimate.factors.map((f) => f.name)).not.toContain('calibration');
    });

    it('once switched on, the estimator uses the rate frozen at that moment, and says so; off restores the card', async () => {
      await core.insight.setCalibration('local', 'gen4_turbo', true);
      expect(events.filter((e) => e.name === 'insight.calibrationChanged').map((e) => e.payload)).toEqual([{ provider: 'local', model: 'gen4_turbo', isEnabled: true }]);
      const q = await quote('1280:720');
      expect(q.estimate.credits).toBe(195);
      expect(q.estimate.factors.find((f) => f.name === 'calibration')).toEqual({
        name: 'calibration', from: 'rate card', to: 'learned (4.88/s learned vs 5/s card, n=6 at 1280:720, since 2026-11-23)', multiplier: 0.975,
      });
      // 720:1280 has 2 samples (< 5): every resolution's rate together applies.
      expect((await quote('720:1280')).estimate.credits).toBe(198);
      // The submit-time check reserves the calibrated figure too.
      expect((await core.money.check({ provider: 'local', model: 'gen4_turbo', durationSec: 10, ratio: '1280:720', variations: 4, audio: false, artifactClass: 'preview', upscale: false })).credits).toBe(195);

      // New attempts change what is learned, never what is applied.
      await insertAttemptQ(core.engine, { job: seeded.jobs.J9!, status: 'ok', start: '2026-11-23T11:00:00Z', latency: 1_000, queue: 1_000, est: 25, charged: 100 });
      const after = (await core.insight.calibration()).entries.find((e) => e.model === 'gen4_turbo')!;
      expect(after.groups[0]).toMatchObject({ samples: 7, factor: 1.3111 });
      expect(after.applied!.groups[0]).toMatchObject({ samples: 6, factor: 0.975 });
      expect((await quote('1280:720')).estimate.credits).toBe(195);

      await core.insight.setCalibration('local', 'gen4_turbo', false);
      expect((await quote('1280:720')).estimate.credits).toBe(200);
      expect((await core.insight.calibration()).entries.find((e) => e.model === 'gen4_turbo')!.isEnabled).toBe(false);
    });

    it('refuses to switch on a rate learned from too few samples, naming the count and the way out', async () => {
      await expect(core.insight.setCalibration('local', 'gen4.5', true)).rejects.toThrow(/model: local\/gen4.5 has 1 successful attempt with a known cost in the last 90 days; a learned rate needs 5/);
      expect((await core.insight.calibration()).entries.find((e) => e.model === 'gen4.5')!.isEnabled).toBe(false);
    });

    it('goes through the contract: insight.setCalibration, then credits.quote carries the factor', async () => {
      const ctx = { role: 'owner' as const, door: 'cli' as const };
      const on = await core.dispatch('insight.setCalibration', { provider: 'local', model: 'gen4_turbo', isEnabled: true }, ctx);
      expect(on.ok).toBe(true);
      const q = await core.dispatch('credits.quote', { params: { provider: 'local', model: 'gen4_turbo', durationSec: 10, ratio: '1280:720', variations: 4 } }, ctx);
      expect(q).toMatchObject({ ok: true, value: { estimate: { credits: 195 } } });
      const refused = await core.dispatch('insight.setCalibration', { provider: 'local', model: 'gen4_turbo', isEnabled: true }, { role: 'producer', door: 'host' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('per-project spend thresholds', () => {
    const spend = async (credits: number, key: string) => {
      const id = `rsv_thr_${key}`;
      await core.ledger.reserve({ id, jobId: seeded.jobs.J9!, projectId: seeded.p2, stage: 'generate', artifactClass: 'preview', amounts: { local: credits } });
      await core.ledger.capture(id, credits);
      return id;
    };
    const crossedEvents = () => events.filter((e) => e.name === 'insight.thresholdCrossed').map((e) => e.payload);

    it('notifies once per crossing, in the app and the OS; a refund below re-arms it', async () => {
      // Short has spent 60 already; 100 is crossed later, 50 is behind it (recorded silently).
      const view = await core.projectSpend.set(seeded.p2, [100, 50]);
      expect(view).toEqual({ projectId: seeded.p2, projectName: 'Short', thresholds: [50, 100], source: 'set', spent: 60, crossed: [50] });
      await spend(30, 'a');
      await core.projectSpend.idle();
      expect(crossedEvents()).toEqual([]);
      await spend(15, 'b');
      await core.projectSpend.idle();
      expect(crossedEvents()).toEqual([{ projectId: seeded.p2, projectName: 'Short', threshold: 100, spent: 105 }]);
      expect(notices).toEqual(['Project spend: Project "Short" has spent 105 credits, past its 100 threshold.']);
      await spend(10, 'c');
      await core.projectSpend.idle();
      expect(crossedEvents()).toHaveLength(1);
      // A refund of 20 takes Short to 95: re-armed; the next spend past 100 is a new crossing.
      await core.ledger.refund({ id: 'thr-refund', reservationId: 'rsv_thr_c', credits: 10, reason: 'test' });
      await core.ledger.refund({ id: 'thr-refund-2', reservationId: 'rsv_thr_b', credits: 10, reason: 'test' });
      await core.projectSpend.idle();
      expect(await core.projectSpend.view(seeded.p2)).toMatchObject({ spent: 95, crossed: [50] });
      await spend(6, 'd');
      await core.projectSpend.idle();
      expect(crossedEvents()).toEqual([
        { projectId: seeded.p2, projectName: 'Short', threshold: 100, spent: 105 },
        { projectId: seeded.p2, projectName: 'Short', threshold: 100, spent: 101 },
      ]);
      expect(notices).toHaveLength(2);
      expect(await core.engine.get('SELECT crossings FROM project_spend_crossings WHERE project_id = ? AND threshold = 100', [seeded.p2])).toEqual({ crossings: 2 });
    });

    it('falls back to 50/80/100 % of the budget, and back to none when the budget goes', async () => {
      expect(await core.projectSpend.view(seeded.p2)).toMatchObject({ thresholds: [], source: 'none' });
      await core.ledger.setProjectBudget(seeded.p2, 150);
      expect(await core.projectSpend.view(seeded.p2)).toMatchObject({ thresholds: [75, 120, 150], source: 'budget' });
      expect(await core.projectSpend.check(seeded.p2)).toEqual([]);
      expect(await spend(20, 'e')).toBe('rsv_thr_e');
      await core.projectSpend.idle();
      expect(crossedEvents()).toEqual([{ projectId: seeded.p2, projectName: 'Short', threshold: 75, spent: 80 }]);
    });

    it('refuses thresholds for a project that does not exist, through the contract too', async () => {
      await expect(core.projectSpend.set('prj_nothere00000', [10])).rejects.toThrow(/No project with id prj_nothere00000/);
      const r = await core.dispatch('insight.setThresholds', { projectId: seeded.p2, thresholds: [0] }, { role: 'owner', door: 'cli' });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect((r as { error: { message: string } }).error.message).toMatch(/thresholds\[0\]: must be more than 0/);
    });
  });
});
