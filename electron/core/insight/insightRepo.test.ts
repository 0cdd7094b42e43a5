import { expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { CalibrationStore, type AppliedCalibration } from './calibrationStore';
import { insightRepo } from './insightRepo';
import { defaultSettings, InsightSettingsStore } from './insightSettings';

const AT = '2026-11-01T10:00:00.000Z';

/** A little of everything the report reads, written with plain SQL through the engine. */
async function seed(engine: SqlEngine): Promise<void> {
  await engine.tx(async (q) => {
    for (const [id, name] of [['prj_a', 'Spot'], ['prj_b', 'Alpha'], ['prj_c', 'beta']] as const) {
      await q.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [id, name, AT, AT]);
      await q.run('INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)', [`sht_${id}`, id, 'One', AT, AT]);
    }
    const job = (id: string, project: string, cacheOf: string | null, saved: number, createdAt: number) =>
      q.run(
        `INSERT INTO jobs (id, project_id, shot_id, provider, model, artifact_class, variations, params_json, prompt_sealed, params_hash, idempotency_key,
           cache_of_job_id, status, seq, max_attempts, estimated_credits, credits_saved, output_spec, created_at, updated_at)
         VALUES (?, ?, ?, 'local', 'gen4_turbo', 'preview', 1, '{}', ?, 'h', ?, ?, 'succeeded', ?, 3, 25, ?, '1280x720', ?, ?)`,
        [id, project, `sht_${project}`, new Uint8Array([1]), `key_${id}`, cacheOf, createdAt, saved, createdAt, createdAt],
      );
    await job('job_1', 'prj_a', null, 0, 1000);
    await job('job_2', 'prj_b', null, 0, 1100);
    await job('job_3', 'prj_a', 'job_1', 25, 1200);
    const attempt = (job: string, status: string, startedAt: number, finishedAt: number | null) =>
      q.run(
        `INSERT INTO attempts (job_id, attempt, provider, artifact_class, model, params_hash, input_bytes, output_spec, credits_charged, latency_ms, status, started_at, finished_at)
         VALUES (?, 1, 'local', 'preview', 'gen4_turbo', 'h', 0, '1280x720', 25, 900, ?, ?, ?)`,
        [job, status, startedAt, finishedAt],
      );
    await attempt('job_1', 'ok', 1000, 1900);
    await attempt('job_2', 'unknown', 1100, null);
    await attempt('job_1', 'fail', 5000, 5100);

    for (const [id, pool, kind] of [['sys:spend', null, 'system'], ['sys:refunds', null, 'system'], ['local:grant', 'local', 'grant']] as const) {
      await q.run('INSERT INTO ledger_accounts (id, pool, surface, kind, may_go_negative, created_at) VALUES (?, ?, ?, ?, 1, ?)', [id, pool, pool, kind, AT]);
    }
    const op = (id: string, kind: string, project: string | null, day: string) =>
      q.run(`INSERT INTO ledger_ops (id, kind, request, result, project_id, stage, artifact_class, created_at, day) VALUES (?, ?, '{}', '{}', ?, 'generate', 'preview', ?, ?)`, [id, kind, project, AT, day]);
    const entry = (id: string, opId: string, debit: string, credit: string, amount: number, day: string, pending = 0) =>
      q.run('INSERT INTO ledger_entries (id, op_id, debit_account, credit_account, amount, is_pending, created_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [id, opId, debit, credit, amount, pending, AT, day]);
    await op('op_1', 'capture', 'prj_a', '2026-11-01');
    await op('op_2', 'refund', 'prj_a', '2026-11-02');
    await op('op_3', 'capture', 'prj_b', '2026-11-02');
    await entry('ent_1', 'op_1', 'local:grant', 'sys:spend', 30, '2026-11-01');
    await entry('ent_2', 'op_2', 'sys:refunds', 'local:grant', 5, '2026-11-02');
    await entry('ent_3', 'op_3', 'local:grant', 'sys:spend', 7, '2026-11-02');
    await entry('ent_4', 'op_3', 'local:grant', 'sys:spend', 99, '2026-11-02', 1);

    const take = (id: string, project: string, job: string, cls: string, source: string | null, checks: string | null, createdAt: number) =>
      q.run(
        `INSERT INTO takes (id, job_id, project_id, shot_id, n, artifact_class, source_take_id, model, check_status, checks_json, created_at)
         VALUES (?, ?, ?, ?, 0, ?, ?, 'gen4_turbo', 'passed', ?, ?)`,
        [id, job, project, `sht_${project}`, cls, source, checks, createdAt],
      );
    await take('tk_1', 'prj_a', 'job_1', 'preview', null, null, 1000);
    await take('tk_2', 'prj_a', 'job_1', 'release', 'tk_1', JSON.stringify([{ name: 'watermark', ok: false }, { name: 'duration', ok: true }]), 1500);
    await take('tk_3', 'prj_b', 'job_2', 'release', null, JSON.stringify([{ name: 'watermark', ok: true }]), 1600);
    const tag = (takeId: string, author: string, tagName: string, isAuto: number) =>
      q.run('INSERT INTO take_tags (take_id, project_id, author, tag, is_auto, created_at) VALUES (?, ?, ?, ?, ?, 1)', [takeId, 'prj_a', author, tagName, isAuto]);
    await tag('tk_1', 'dana', 'promising', 0);
    await tag('tk_1', 'auto-check', 'needs-fix', 1);
    await tag('tk_1', 'sam', 'discard', 0);
    await q.run(`INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES ('tk_1', 'prj_a', 'in', 'dana', 1)`);
    await q.run(`INSERT INTO take_published (take_id, project_id, published_at) VALUES ('tk_2', 'prj_a', 3000)`);
    await q.run('INSERT INTO money_budgets (project_id, credits, updated_at) VALUES (?, ?, ?), (?, ?, ?)', ['prj_a', 500, AT, 'prj_b', 200, AT]);
  });
}

const ALL = { from: 0, to: 4000, project: null };

describeEachEngine('insight report SQL', (open) => {
  it('reads attempts in the range with their project, a running one as running', async () => {
    const engine = await open();
    await seed(engine);
    const rows = await insightRepo.attempts(engine, ALL);
    expect(rows.map((a) => [a.jobId, a.projectId, a.status, a.creditsCharged, a.latencyMs])).toEqual([
      ['job_1', 'prj_a', 'ok', 25, 900],
      ['job_2', 'prj_b', 'running', 25, 900],
    ]);
    expect((await insightRepo.attempts(engine, { ...ALL, to: 6000, project: 'prj_a' })).map((a) => a.status)).toEqual(['ok', 'fail']);
  });

  it('reads posted spend net of refunds, per project, and the pools’ days', async () => {
    const engine = await open();
    await seed(engine);
    const spend = await insightRepo.spend(engine, '2026-11-01', '2026-11-03', null);
    expect(spend).toEqual([
      { day: '2026-11-01', credits: 30, stage: 'generate', artifactClass: 'preview', projectId: 'prj_a', pool: 'local', surface: 'local', kind: 'capture', userId: null, userName: null },
      { day: '2026-11-02', credits: -5, stage: 'generate', artifactClass: 'preview', projectId: 'prj_a', pool: 'local', surface: 'local', kind: 'refund', userId: null, userName: null },
      { day: '2026-11-02', credits: 7, stage: 'generate', artifactClass: 'preview', projectId: 'prj_b', pool: 'local', surface: 'local', kind: 'capture', userId: null, userName: null },
    ]);
    expect((await insightRepo.spend(engine, '2026-11-01', '2026-11-03', 'prj_b')).map((s) => s.credits)).toEqual([7]);
    expect(await insightRepo.poolDays(engine, '2026-11-01')).toEqual([
      { pool: 'local', day: '2026-11-01', delta: -30 },
      { pool: 'local', day: '2026-11-02', delta: -2 },
    ]);
  });

  it('reads takes with the people’s verdicts as booleans (the auto-check’s left out), published takes and cache hits', async () => {
    const engine = await open();
    await seed(engine);
    const takes = await insightRepo.takes(engine, ALL);
    expect(takes.find((t) => t.id === 'tk_1')).toEqual({
      id: 'tk_1', projectId: 'prj_a', artifactClass: 'preview', sourceTakeId: null, checkStatus: 'passed', createdAt: 1000,
      hasPromising: true, hasDiscard: true, hasNeedsFix: false, isOverrideIn: true, sourceHasDiscard: false,
    });
    expect(takes.find((t) => t.id === 'tk_2')).toMatchObject({ sourceTakeId: 'tk_1', hasPromising: false, sourceHasDiscard: true });
    expect((await insightRepo.takes(engine, { ...ALL, project: 'prj_b' })).map((t) => t.id)).toEqual(['tk_3']);
    expect(await insightRepo.published(engine, ALL)).toEqual([{ takeId: 'tk_2', projectId: 'prj_a', publishedAt: 3000 }]);
    expect(await insightRepo.published(engine, { ...ALL, project: 'prj_b' })).toEqual([]);
    expect(await insightRepo.cacheHits(engine, ALL)).toEqual([{ jobId: 'job_3', projectId: 'prj_a', creditsSaved: 25, createdAt: 1200 }]);
  });

  it('counts releases whose watermark check failed, and lists budgets and names in byte order', async () => {
    const engine = await open();
    await seed(engine);
    expect(await insightRepo.watermarkedReleases(engine, ALL)).toBe(1);
    expect(await insightRepo.watermarkedReleases(engine, { ...ALL, project: 'prj_b' })).toBe(0);
    expect(await insightRepo.budgets(engine)).toEqual([
      { projectId: 'prj_b', projectName: 'Alpha', budget: 200 },
      { projectId: 'prj_a', projectName: 'Spot', budget: 500 },
    ]);
    expect([...(await insightRepo.projectNames(engine)).values()]).toEqual(['Alpha', 'Spot', 'beta']);
  });
});

const applied: AppliedCalibration = {
  overall: { resolution: '*', samples: 12, cardCreditsPerSecond: 12, learnedCreditsPerSecond: 13.2, factor: 1.1 },
  groups: [],
  minSamples: 5,
  since: '2026-11-20T09:00:00.000Z',
};

describeEachEngine('insight settings and calibration', (open) => {
  it('stores settings over the defaults, refuses a bad value naming it, and keeps the rest', async () => {
    const store = new InsightSettingsStore(await open(), defaultSettings(60));
    expect((await store.get()).minCalibrationSamples).toBe(5);
    expect((await store.set({ minCalibrationSamples: 8 })).minCalibrationSamples).toBe(8);
    await expect(store.set({ minCalibrationSamples: -1 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'minCalibrationSamples' } });
    expect(await store.get()).toMatchObject({ minCalibrationSamples: 8, workingHours: { utcOffsetMinutes: 60 } });
  });

  it('switches a rate on and off; the estimator’s synchronous hook follows, and sees another store’s switch once its snapshot is a second old', async () => {
    const engine = await open();
    const clock = new FakeClock();
    const mine = new CalibrationStore(engine, clock);
    const other = new CalibrationStore(engine, clock);
    await Promise.all([mine.ready, other.ready]);
    const key = { provider: 'local' as const, model: 'gen4_turbo', ratio: null };
    expect(mine.lookup(key)).toBeNull();
    await mine.enable('local', 'gen4_turbo', applied, 1);
    expect(mine.lookup(key)?.multiplier).toBe(1.1);
    expect(await mine.applied('local', 'gen4_turbo')).toEqual(applied);
    expect((await mine.enabled()).map((e) => e.model)).toEqual(['gen4_turbo']);
    // The other store (another process) still answers from its snapshot; after a second, a lookup reads again.
    expect(other.lookup(key)).toBeNull();
    clock.advance(1001);
    other.lookup(key);
    await other.refresh();
    expect(other.lookup(key)?.multiplier).toBe(1.1);
    await mine.disable('local', 'gen4_turbo', 2);
    expect(mine.lookup(key)).toBeNull();
    expect(await mine.applied('local', 'gen4_turbo')).toBeNull();
  });
});
