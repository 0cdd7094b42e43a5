import { describe, expect, it } from 'vitest';
import { patched, shippedPlan } from '../../../test/support/moneyConfigs';
import type { AttemptRow } from './insightRows';
import { defaultSettings } from './insightSettings';
import { exportFailureTrigger, MIN_SAMPLES, queueStall, releaseBlocked, rerenderTrigger, volatilityTrigger } from './recommendations';
import { nextWorkingDay } from './workingHours';

const settings = defaultSettings(0);
let id = 1;
const attempt = (iso: string, queueMs: number): AttemptRow => ({
  id: id++, jobId: 'j', projectId: 'p', provider: 'local', artifactClass: 'preview', model: 'm', outputSpec: 'video/5s/1280:720/mp4/preview', creditsBefore: null, creditsAfter: null,
  creditsEstimated: 25, creditsCharged: 25, latencyMs: 1000, queueTimeMs: queueMs, status: 'ok', errorCode: null, startedAt: Date.parse(iso), finishedAt: Date.parse(iso) + 1000,
});

describe('queue stall', () => {
  it('needs two working days in a row over 10 minutes: Friday then Monday counts, a weekend or evening does not', () => {
    expect(nextWorkingDay('2026-11-20', settings.workingHours)).toBe('2026-11-23');
    const slow = 11 * 60_000;
    const many = (iso: string) => Array.from({ length: 10 }, (_, i) => attempt(iso.replace('10:00', `10:${String(i).padStart(2, '0')}`), slow));
    const friMon = queueStall([...many('2026-11-20T10:00:00Z'), ...many('2026-11-23T10:00:00Z')], settings);
    expect([friMon.level, friMon.isTriggered, friMon.figures.longestRun, friMon.samples]).toEqual(['act', true, 2, 20]);
    const gap = queueStall([attempt('2026-11-17T10:00:00Z', slow), attempt('2026-11-19T10:00:00Z', slow)], settings);
    expect([gap.isTriggered, gap.figures.stalledDays, gap.figures.longestRun]).toEqual([false, 2, 1]);
    const offHours = queueStall([attempt('2026-11-21T10:00:00Z', slow), attempt('2026-11-23T19:00:00Z', slow)], settings);
    expect([offHours.isTriggered, offHours.evidence]).toEqual([false, 'No attempts started in working hours in this period.']);
    // Exactly 10 minutes is not over 10 minutes.
    expect(queueStall([attempt('2026-11-17T10:00:00Z', 600_000), attempt('2026-11-18T10:00:00Z', 600_000)], settings).isTriggered).toBe(false);
  });
});

describe('cost volatility', () => {
  it('fires on the latest judged week only', () => {
    const weeks = [
      { weekStart: '2026-11-02', credits: 100, change: null, isFlagged: false, isComplete: true },
      { weekStart: '2026-11-09', credits: 140, change: 0.4, isFlagged: true, isComplete: true },
      { weekStart: '2026-11-16', credits: 10, change: null, isFlagged: false, isComplete: false },
    ];
    const r = volatilityTrigger([{ weekStart: '2026-10-26', credits: 90, change: null, isFlagged: false, isComplete: true }, ...weeks]);
    expect([r.isTriggered, r.evidence]).toEqual([true, 'The week of 2026-11-09 spent 140 credits, up 40 % on the week before.']);
    // One jump between two weeks is not yet a pattern: watch, with what it needs.
    const early = volatilityTrigger(weeks);
    expect([early.level, early.isTriggered, early.samples, early.minSamples]).toEqual(['watch', false, 2, 3]);
    expect(early.evidence).toMatch(/Too little evidence to act on yet: 2 of the 3 complete weeks with spend this needs\.$/);
    expect(volatilityTrigger(weeks.slice(0, 1)).evidence).toBe('Needs two complete weeks with spend to compare.');
  });
});

describe('rerender rate', () => {
  it('says so in words when nothing shipped', () => {
    const r = rerenderTrigger({ weekStart: '2026-11-15', attempts: 12, shipped: 0, rate: null, isFlagged: false });
    expect([r.isTriggered, r.evidence]).toEqual([false, '12 renders in the last 7 days and nothing shipped: no rate yet.']);
  });
});

describe('enough evidence before act', () => {
  it('states its minimum for every trigger, and says watch, not act, past a threshold on less', () => {
    expect(MIN_SAMPLES).toEqual({ queue_stall: 20, export_failures: 10, cost_volatility: 3, rerender_rate: 5, release_blocked: 1 });
    // Two slow renders on two working days: past the threshold, but two renders say little.
    const slow = queueStall([attempt('2026-11-20T10:00:00Z', 11 * 60_000), attempt('2026-11-23T10:00:00Z', 11 * 60_000)], settings);
    expect([slow.level, slow.isTriggered, slow.samples, slow.minSamples]).toEqual(['watch', false, 2, 20]);
  });

  it('calls 11 renders for 2 finals exploration (watch), and the same rate over 5 finals a cost bug (act)', () => {
    const exploring = rerenderTrigger({ weekStart: '2026-11-15', attempts: 11, shipped: 2, rate: 5.5, isFlagged: true });
    expect([exploring.level, exploring.isTriggered]).toEqual(['watch', false]);
    expect(exploring.evidence).toBe('11 renders for 2 shipped assets in the last 7 days: 5.50 per asset. Too little evidence to act on yet: 2 of the 5 assets shipped in the last 7 days this needs.');
    const wasteful = rerenderTrigger({ weekStart: '2026-11-15', attempts: 28, shipped: 5, rate: 5.6, isFlagged: true });
    expect([wasteful.level, wasteful.isTriggered, wasteful.samples]).toEqual(['act', true, 5]);
    const fine = rerenderTrigger({ weekStart: '2026-11-15', attempts: 6, shipped: 5, rate: 1.2, isFlagged: false });
    expect(fine.level).toBe('ok');
  });

  it('judges export failures on the worst window’s attempts, and keeps the window’s start out of the words', () => {
    const start = '2026-11-22T10:00:00.000Z';
    const few = exportFailureTrigger({ attempts: 3, failures: 1, rate: 1 / 3, worstWindow: { start, attempts: 3, failures: 1, rate: 1 / 3 } });
    expect([few.level, few.samples]).toEqual(['watch', 3]);
    const many = exportFailureTrigger({ attempts: 40, failures: 4, rate: 0.1, worstWindow: { start, attempts: 12, failures: 3, rate: 0.25 } });
    expect([many.level, many.figures.worstWindowStart]).toEqual(['act', start]);
    expect(many.evidence).not.toContain('2026');
  });
});

describe('release blocked', () => {
  it('reads the plan: the free plan refuses release renders', () => {
    const r = releaseBlocked(shippedPlan('runway-free'), settings, 0);
    expect(r.isTriggered).toBe(true);
    expect(r.evidence).toBe('plan runway-free does not allow release renders.');
  });

  it('compares the release caps and formats with the minimum spec the work needs', () => {
    const capped = patched(shippedPlan('runway-api'), { outputs: { watermark_release: true, max_resolution: { release: '720p' }, max_duration_seconds: { release: 8 }, allowed_formats: { release: ['prores'] } } });
    expect(releaseBlocked(capped, settings, 0).evidence).toBe(
      'plan runway-api watermarks release renders; release resolution is capped at 720p, below the 1080p the work needs; release clips are capped at 8 s, below the 10 s the work needs; release formats (prores) leave out mp4.',
    );
    const fine = releaseBlocked(shippedPlan('runway-api'), settings, 0);
    expect([fine.isTriggered, fine.evidence]).toEqual([false, 'Plan runway-api allows clean release renders at 2160p, up to 30 s, in mp4, prores, png_sequence, hdr10.']);
  });
});
