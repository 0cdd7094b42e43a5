import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { reportCsv } from '../../electron/core/insight/reportCsv';
import { FakeClock } from '../support/core';
import { dbNeedsOn, ENGINES, suiteCoreOn } from '../support/coreOn';
import { NOW, seedInsight, START, type Seeded } from '../support/insightSeed';
import { describeWith } from '../support/needs';

// Every figure of the report over a seeded database (test/support/insightSeed.ts), worked out by hand.
// Range: 2026-11-02 up to (not including) 2026-11-24, as of Monday 2026-11-23 12:00 UTC.
// On both engines (the ledger, the attempts log, takes and marks on SQLite or PostgreSQL), seeded once
// per engine: the report only reads, and the working hours one case changes are set again before each.

for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `insight report · ${engine}`, () => {
  let core: Core;
  let seeded: Seeded;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const clock = new FakeClock(START);
    const t = await suiteCoreOn(engine, { clock });
    core = t.core;
    cleanup = t.cleanup;
    seeded = await seedInsight(core, clock);
  });
  beforeEach(async () => {
    await core.insight.setSettings({ workingHours: { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5], utcOffsetMinutes: 0 } });
  });
  afterAll(async () => {
    await cleanup();
  });

  const RANGE = { since: '2026-11-02', until: '2026-11-24' };

  describe('insight report over a seeded database', () => {
    it('spend per day, stage and class is the ledger net of refunds', async () => {
      const r = await core.insight.report(RANGE);
      expect(r.asOf).toBe(new Date(NOW).toISOString());
      // 50 + 25 + 50 + 50 + 60 + 40 (a partial capture) + 0 (voided) − 20 (refund) + 25 = 280
      expect(r.spend.credits).toBe(280);
      expect(r.spend.byStage).toEqual({ generate: 130, refine: 0, upscale: 60, export: 90, none: 0 });
      expect(r.spend.byClass).toEqual({ preview: 190, release: 90, none: 0 });
      expect(r.spend.byDay).toHaveLength(22);
      const spent = Object.fromEntries(r.spend.byDay.filter((d) => d.credits !== 0).map((d) => [d.day, d.credits]));
      expect(spent).toEqual({ '2026-11-03': 50, '2026-11-04': 25, '2026-11-10': 50, '2026-11-11': 50, '2026-11-17': 60, '2026-11-18': 40, '2026-11-19': -20, '2026-11-23': 25 });
      const refundDay = r.spend.byDay.find((d) => d.day === '2026-11-19')!;
      expect(refundDay.byStage.generate).toBe(-20);
      expect(refundDay.byClass.preview).toBe(-20);
    });

    it('weekly spend and its change, flagged above 30 % between complete weeks only', async () => {
      const { weeks } = (await core.insight.report(RANGE)).spend;
      expect(weeks).toEqual([
        { weekStart: '2026-11-02', credits: 75, change: null, isFlagged: false, isComplete: true },
        { weekStart: '2026-11-09', credits: 100, change: 0.3333, isFlagged: true, isComplete: true },
        { weekStart: '2026-11-16', credits: 80, change: -0.2, isFlagged: false, isComplete: true },
        { weekStart: '2026-11-23', credits: 25, change: null, isFlagged: false, isComplete: false },
      ]);
    });

    it('counts attempts by status, the running one included', async () => {
      const { attempts } = await core.insight.report(RANGE);
      expect(attempts).toEqual({ total: 15, byStatus: { ok: 9, retry: 1, fail: 2, canceled: 1, cache_hit: 1, running: 1 } });
    });

    it('p95 queue, latency and end-to-end by model and status (cache hits, refused creates and running attempts left out)', async () => {
      expect((await core.insight.report(RANGE)).latency).toEqual([
        { provider: 'local', model: 'gen4.5', status: 'ok', attempts: 1, p95QueueMs: 700_000, p95LatencyMs: 200_000, p95EndToEndMs: 900_000 },
        { provider: 'local', model: 'gen4_turbo', status: 'canceled', attempts: 1, p95QueueMs: 15_000, p95LatencyMs: 5_000, p95EndToEndMs: 20_000 },
        { provider: 'local', model: 'gen4_turbo', status: 'fail', attempts: 2, p95QueueMs: 20_000, p95LatencyMs: 50_000, p95EndToEndMs: 65_000 },
        { provider: 'local', model: 'gen4_turbo', status: 'ok', attempts: 8, p95QueueMs: 660_000, p95LatencyMs: 120_000, p95EndToEndMs: 740_000 },
      ]);
    });

    it('export failure rate over release attempts that ended, and the worst 30 minutes', async () => {
      expect((await core.insight.report(RANGE)).exportFailures).toEqual({
        attempts: 3,
        failures: 1,
        rate: 0.3333,
        worstWindow: { start: '2026-11-11T14:00:00.000Z', attempts: 2, failures: 1, rate: 0.5 },
      });
    });

    it('rerender rate = renders ÷ shipped assets per week and over the last 7 days', async () => {
      const { rerender } = await core.insight.report(RANGE);
      expect(rerender.weeks).toEqual([
        { weekStart: '2026-11-02', attempts: 3, shipped: 0, rate: null, isFlagged: false },
        { weekStart: '2026-11-09', attempts: 4, shipped: 1, rate: 4, isFlagged: true },
        { weekStart: '2026-11-16', attempts: 4, shipped: 2, rate: 2, isFlagged: false },
        { weekStart: '2026-11-23', attempts: 2, shipped: 0, rate: null, isFlagged: false },
      ]);
      expect(rerender.last7Days).toEqual({ weekStart: '2026-11-16', attempts: 6, shipped: 2, rate: 3, isFlagged: true });
    });

    it('estimate vs actual per model and picture, with the learned credits per second and where each cost came from', async () => {
      expect((await core.insight.report(RANGE)).estimates).toEqual([
        {
          provider: 'local', model: 'gen4.5', resolution: '1280:720', samples: 1, seconds: 5, estimated: 60, actual: 66,
          error: -0.0909, meanAbsError: 0.0909, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 13.2, fromBalance: 0, fromReported: 1,
        },
        {
          // a1/a2 overlap and their balance did not move: reported 25 each; a3 ran alone and the balance fell by 30.
          provider: 'local', model: 'gen4_turbo', resolution: '1280:720', samples: 6, seconds: 40, estimated: 200, actual: 195,
          error: 0.0256, meanAbsError: 0.0694, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 4.88, fromBalance: 1, fromReported: 5,
        },
        {
          provider: 'local', model: 'gen4_turbo', resolution: '720:1280', samples: 2, seconds: 10, estimated: 50, actual: 52,
          error: -0.0385, meanAbsError: 0.037, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 5.2, fromBalance: 1, fromReported: 1,
        },
      ]);
    });

    it('credits per kept take and per approved final, what the cache saved, what was refunded', async () => {
      expect((await core.insight.report(RANGE)).yield).toEqual({
        keptTakes: 4,
        approvedFinals: 2,
        shippedAssets: 3,
        previewCredits: 190,
        totalCredits: 280,
        creditsPerKeptTake: 47.5,
        creditsPerApprovedFinal: 140,
        cacheHits: 1,
        creditsSaved: 25,
        refunded: 20,
      });
    });

    it('narrows to one project', async () => {
      const r = await core.insight.report({ ...RANGE, projectId: seeded.p2 });
      expect(r.spend.credits).toBe(60);
      expect(r.spend.byStage.upscale).toBe(60);
      expect(r.attempts.total).toBe(1);
      expect(r.yield).toMatchObject({ keptTakes: 1, approvedFinals: 0, shippedAssets: 0, previewCredits: 60, creditsPerKeptTake: 60, creditsPerApprovedFinal: null, refunded: 0 });
      expect(Object.is(r.yield.refunded, 0)).toBe(true);
    });

    it('defaults to the last 30 days and refuses a range that ends before it starts, naming the field', async () => {
      const r = await core.insight.report();
      expect([r.since, r.until]).toEqual(['2026-10-25', '2026-11-24']);
      await expect(core.insight.report({ since: '2026-11-24', until: '2026-11-02' })).rejects.toThrow(/since: 2026-11-24 must be before 2026-11-02/);
      await expect(core.insight.report({ since: '2026-02-31' })).rejects.toThrow(/since: "2026-02-31" is not a calendar day/);
    });

    it('evaluates the decision framework on the recorded data, with the evidence', async () => {
      const recs = await core.insight.recommendations(RANGE);
      const byId = Object.fromEntries(recs.map((r) => [r.id, r]));
      // A small seeded month: three triggers are past their thresholds on too little evidence to act on.
      expect(recs.map((r) => [r.id, r.level, r.samples, r.minSamples])).toEqual([
        ['queue_stall', 'watch', 13, 20],
        ['export_failures', 'watch', 2, 10],
        ['cost_volatility', 'ok', 3, 3],
        ['rerender_rate', 'watch', 2, 5],
        ['release_blocked', 'act', 1, 1],
      ]);
      expect(recs.map((r) => r.isTriggered)).toEqual([false, false, false, false, true]);
      expect(byId.queue_stall!.figures).toEqual({ workingDays: 7, stalledDays: 2, longestRun: 2, worstDayP95Ms: 700_000 });
      expect(byId.queue_stall!.evidence).toBe(
        'p95 queue time was over 10 minutes on 2 working days in a row, ending 2026-11-18 (2026-11-17: 11.7 min, 2026-11-18: 11 min). Too little evidence to act on yet: 13 of the 20 renders in working hours this needs.',
      );
      expect(byId.export_failures!.evidence).toBe('1 of 3 release attempts failed (33.3 %); the worst 30 minutes had 1 of 2 (50 %). Too little evidence to act on yet: 2 of the 10 release attempts in the worst 30 minutes this needs.');
      expect(byId.export_failures!.figures.worstWindowStart).toBe('2026-11-11T14:00:00.000Z');
      expect(byId.cost_volatility!.evidence).toBe('The week of 2026-11-16 spent 80 credits, down 20 % on the week before.');
      expect(byId.rerender_rate!.evidence).toBe('6 renders for 2 shipped assets in the last 7 days: 3.00 per asset. Too little evidence to act on yet: 2 of the 5 assets shipped in the last 7 days this needs.');
      expect(byId.release_blocked!.evidence).toBe('1 release take came back watermarked.');
      expect(byId.release_blocked!.action).toMatch(/^Pay for UI export or move release work to the API pipeline/);
    });

    it('judges the same hours in another time zone: the stall days are no longer working hours', async () => {
      // UTC−10: 11:00 and 15:00 UTC are 01:00 and 05:00 local.
      await core.insight.setSettings({ workingHours: { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5], utcOffsetMinutes: -600 } });
      const stall = (await core.insight.recommendations(RANGE)).find((r) => r.id === 'queue_stall')!;
      expect(stall.isTriggered).toBe(false);
      expect(stall.figures.stalledDays).toBe(0);
    });

    it('writes the same figures as CSV, one figure a row', async () => {
      const r = await core.insight.report(RANGE);
      const csv = reportCsv(r, await core.insight.recommendations(RANGE)).split('\n');
      expect(csv[0]).toBe('section,period,group,metric,value');
      expect(csv).toContain('spend,2026-11-02..2026-11-24,all,credits,280');
      expect(csv).toContain('spend_by_day,2026-11-19,stage:generate,credits,-20');
      expect(csv).toContain('spend_by_week,2026-11-09,all,change,0.3333');
      expect(csv).toContain('latency,2026-11-02..2026-11-24,local/gen4_turbo/ok,p95_end_to_end_ms,740000');
      expect(csv).toContain('yield,2026-11-02..2026-11-24,all,creditsPerApprovedFinal,140');
      expect(csv).toContain('recommendation,2026-11-02..2026-11-24,rerender_rate,level,watch');
      expect(csv).toContain('recommendation,2026-11-02..2026-11-24,rerender_rate,minSamples,5');
      expect(csv).toContain('estimates,2026-11-02..2026-11-24,local/gen4_turbo/720:1280,learned_credits_per_second,5.2');
    });
  });
});
