import { describe, expect, it } from 'vitest';
import { patched, shippedPlan } from '../../../test/support/moneyConfigs';
import type { AttemptRow } from './insightRows';
import { defaultSettings } from './insightSettings';
import { queueStall, releaseBlocked, rerenderTrigger, volatilityTrigger } from './recommendations';
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
    const friMon = queueStall([attempt('2026-11-20T10:00:00Z', slow), attempt('2026-11-23T10:00:00Z', slow)], settings);
    expect([friMon.isTriggered, friMon.figures.longestRun]).toEqual([true, 2]);
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
    const r = volatilityTrigger(weeks);
    expect([r.isTriggered, r.evidence]).toEqual([true, 'The week of 2026-11-09 spent 140 credits, up 40 % on the week before.']);
    expect(volatilityTrigger(weeks.slice(0, 1)).evidence).toBe('Needs two complete weeks with spend to compare.');
  });
});

describe('rerender rate', () => {
  it('says so in words when nothing shipped', () => {
    const r = rerenderTrigger({ weekStart: '2026-11-15', attempts: 12, shipped: 0, rate: null, isFlagged: false });
    expect([r.isTriggered, r.evidence]).toEqual([false, '12 renders in the last 7 days and nothing shipped: no rate yet.']);
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
