import { describe, expect, it } from 'vitest';
import type { AttemptRow } from './insightRows';
import { calibrationGroups, observedCosts, overlapping } from './estimateFigures';
import { parseOutputSpec } from './insightStats';

let nextId = 1;
function attempt(o: Partial<AttemptRow> & { start: number; ms: number }): AttemptRow {
  return {
    id: nextId++, jobId: 'job_x', projectId: 'prj_x', provider: 'runway', artifactClass: 'preview', model: 'gen4.5', outputSpec: 'video/5s/1280:720/mp4/preview',
    creditsBefore: null, creditsAfter: null, creditsEstimated: 60, creditsCharged: 60, latencyMs: o.ms, queueTimeMs: 0, status: 'ok', errorCode: null,
    startedAt: o.start, finishedAt: o.start + o.ms, ...o,
  };
}

describe('overlapping', () => {
  it('finds attempts in flight together on the same provider, through a chain, and nowhere else', () => {
    const a = attempt({ start: 0, ms: 100 });
    const b = attempt({ start: 10, ms: 10 }); // inside a
    const c = attempt({ start: 90, ms: 50 }); // overlaps a's tail
    const d = attempt({ start: 140, ms: 10 }); // starts exactly when c ends: not overlapping
    const e = attempt({ start: 50, ms: 10, provider: 'local' }); // another provider
    const f = attempt({ start: 20, ms: 5, status: 'cache_hit' }); // no provider work
    expect([...overlapping([a, b, c, d, e, f])].sort()).toEqual([a.id, b.id, c.id].sort());
  });
});

describe('observedCosts', () => {
  it('takes the balance delta when it moved and the attempt ran alone, else the reported cost', () => {
    const alone = attempt({ start: 0, ms: 10, creditsBefore: 500, creditsAfter: 436, creditsCharged: 60 });
    const still = attempt({ start: 100, ms: 10, creditsBefore: 500, creditsAfter: 500, creditsCharged: 60 });
    const up = attempt({ start: 200, ms: 10, creditsBefore: 500, creditsAfter: 700, creditsCharged: 60 });
    const unknown = attempt({ start: 300, ms: 10, creditsCharged: null });
    const failed = attempt({ start: 400, ms: 10, status: 'fail', creditsCharged: 0 });
    const busyA = attempt({ start: 500, ms: 100, creditsBefore: 1000, creditsAfter: 880 });
    const busyB = attempt({ start: 550, ms: 100, creditsBefore: 940, creditsAfter: 820 });
    const out = observedCosts([alone, still, up, unknown, failed, busyA, busyB]).map((o) => [o.attempt.id, o.cost, o.source]);
    expect(out).toEqual([
      [alone.id, 64, 'balance'],
      [still.id, 60, 'reported'],
      [up.id, 60, 'reported'],
      [busyA.id, 60, 'reported'],
      [busyB.id, 60, 'reported'],
    ]);
  });
});

describe('calibrationGroups', () => {
  it('learns credits per second from seconds of output, per picture and overall; images are left out', () => {
    const rows = [
      attempt({ start: 0, ms: 1, creditsEstimated: 60, creditsCharged: 66 }),
      attempt({ start: 10, ms: 1, outputSpec: 'video/10s/720:1280/mp4/preview', creditsEstimated: 120, creditsCharged: 120 }),
      attempt({ start: 20, ms: 1, outputSpec: 'video/image/1280:720/png/preview', creditsEstimated: 5, creditsCharged: 8 }),
      attempt({ start: 30, ms: 1, model: 'other', creditsCharged: 1 }),
    ];
    expect(calibrationGroups(rows, 'runway', 'gen4.5')).toEqual({
      overall: { resolution: '*', samples: 2, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 12.4, factor: 1.0333 },
      groups: [
        { resolution: '1280:720', samples: 1, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 13.2, factor: 1.1 },
        { resolution: '720:1280', samples: 1, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 12, factor: 1 },
      ],
    });
  });

  it('reads seconds and picture from output specs, however they were written', () => {
    expect(parseOutputSpec('video/5s/1280:720/mp4/preview')).toEqual({ seconds: 5, resolution: '1280:720' });
    expect(parseOutputSpec('video/2.5s/default/mp4/release')).toEqual({ seconds: 2.5, resolution: 'default' });
    expect(parseOutputSpec('video/image/1024:1024/png/preview')).toEqual({ seconds: null, resolution: '1024:1024' });
    expect(parseOutputSpec('{}')).toEqual({ seconds: null, resolution: 'default' });
  });
});
