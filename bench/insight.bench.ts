import { CalibrationStore } from '../electron/core/insight/calibrationStore';
import { estimate } from '../shared/money/estimate';
import { EstimateParams } from '../shared/money/params';
import { FakeClock, testCore } from '../test/support/core';
import { insertAttempt, insertJob } from '../test/support/insightSeed';
import { measure, printRatio } from './support';

/**
 * The Costs tab loads the report, recommendations and calibration over the attempts log. Subject: the
 * whole report (SQL + figures) over 90 days holding 50,000 attempts; baseline in the same process: the
 * same attempts merely read (one SELECT, one pass). And the estimator's calibration hook, which adds a
 * lookup per keystroke: estimate() with the hook switched on vs without.
 */
const DAYS = 90;
const ATTEMPTS = 50_000;
const NOW = Date.parse('2026-11-23T12:00:00Z');

export default async function bench(): Promise<void> {
  const clock = new FakeClock(NOW - DAYS * 86_400_000);
  const t = testCore({ clock });
  const core = t.core;
  try {
    const p = (await core.projects.create('Bench')).id;
    const shot = (await core.shots.create(p, 'One')).id;
    const conn = core.db.conn;
    const statuses = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'fail', 'retry', 'canceled', 'cache_hit'] as const;
    conn.transaction(() => {
      for (let i = 0; i < ATTEMPTS / 2; i++) {
        const at = clock.t + Math.floor((i / (ATTEMPTS / 2)) * DAYS * 86_400_000);
        const job = `job_bench${String(i).padStart(12, '0')}`;
        insertJob(conn, { id: job, projectId: p, shotId: shot, model: i % 3 === 0 ? 'gen4.5' : 'gen4_turbo', artifactClass: i % 5 === 0 ? 'release' : 'preview', createdAt: at });
        for (let k = 0; k < 2; k++) {
          const start = new Date(at + k * 90_000).toISOString();
          insertAttempt(conn, { job, status: statuses[(i + k) % statuses.length]!, cls: i % 5 === 0 ? 'release' : 'preview', start, latency: 30_000 + (i % 97) * 1000, queue: (i % 13) * 60_000, charged: 25, before: 10_000, after: 9_975 });
        }
      }
    })();
    clock.t = NOW;
    const range = { since: '2026-08-26' };
    let sink = 0;
    const subject = await measure(`insight.report() over ${ATTEMPTS.toLocaleString('en-US')} attempts`, 'attempts/s', async () => {
      sink += (await core.insight.report(range)).attempts.total;
      return ATTEMPTS;
    });
    const read = conn.prepare('SELECT a.*, j.project_id FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.started_at >= ?');
    const baseline = await measure('baseline: the same attempts read, one pass', 'attempts/s', () => {
      for (const r of read.iterate(0) as Iterable<{ latency_ms: number }>) sink += r.latency_ms;
      return ATTEMPTS;
    });
    printRatio(subject, baseline, 'a 90-day report well under a second');
    const recs = await measure('insight.recommendations() (report + triggers)', 'attempts/s', async () => {
      sink += (await core.insight.recommendations(range)).length;
      return ATTEMPTS;
    }, { runs: 3 });
    printRatio(recs, baseline);

    // The estimator's hook: a switched-on calibration costs one primary-key lookup per estimate.
    await core.insight.setSettings({ minCalibrationSamples: 5 });
    await core.insight.setCalibration('local', 'gen4_turbo', true);
    const { plan, rateCard } = core.plans.active();
    const params = EstimateParams.parse({ provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', variations: 2 });
    const store = new CalibrationStore(core.db.engine, clock);
    await store.ready;
    const { lookup } = store;
    const N = 50_000;
    const hooked = await measure('estimate() with the calibration hook on', 'estimates/s', () => {
      for (let i = 0; i < N; i++) sink += estimate(params, rateCard, plan, lookup).credits;
      return N;
    });
    const bare = await measure('baseline: estimate() without a hook', 'estimates/s', () => {
      for (let i = 0; i < N; i++) sink += estimate(params, rateCard, plan).credits;
      return N;
    });
    printRatio(hooked, bare, 'the hook keeps the form ≥ 20,000 estimates/s');
    if (sink === 42) console.log('');
  } finally {
    await t.cleanup();
  }
}
