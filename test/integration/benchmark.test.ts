import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { systemClock } from '../../electron/core/nodePorts';
import { RunwayProvider } from '../../electron/core/providers/runway';
import { dayOf } from '../../electron/core/insight/insightTime';
import {} from '../support/clips';
import { testCore } from '../support/core';
import { tempDir } from '../support/tmp';
import { FakeRunway } from '../fakeRunway/fakeRunway';
import { describeWith, ffmpegNeed } from '../support/needs';

// The quarterly benchmark through the real queue: the local simulator rendering real clips (a tiny
// rate card keeps them small), and the SDK-backed Runway provider against the fake Runway server.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const resources = join(import.meta.dirname, '..', '..', 'resources');

/** A user rate card with one cheap, small model and a user plan pricing with it (a copy of runway-api). */
function writeTinyConfigs(dataDir: string): string {
  mkdirSync(join(dataDir, 'rates'), { recursive: true });
  mkdirSync(join(dataDir, 'plans'), { recursive: true });
  writeFileSync(
    join(dataDir, 'rates', 'tiny.yaml'),
    [
      'rate_card:',
      '  name: tiny',
      '  version: 1',
      '  checked_at: "2026-11-01"',
      '  provider: simulator',
      '  usd_per_credit: null',
      '  notes: a small model for tests',
      'passes: {}',
      'models:',
      '  tiny:',
      '    kind: video',
      '    pricing: per_second',
      '    credits_per_second: 4',
      '    durations: { min: 1, max: 10, step: 1 }',
      '    ratios: ["320:180", "160:90"]',
      '    output_formats: [mp4]',
      '',
    ].join('\n'),
  );
  const plan = readFileSync(join(resources, 'plans', 'runway-api.yaml'), 'utf8')
    .replace('name: runway-api', 'name: tiny-local')
    .replace('rate_card: runway-api', 'rate_card: tiny')
    .replace(/\n {2}default: true/, '');
  const file = join(dataDir, 'plans', 'tiny-local.yaml');
  writeFileSync(file, plan);
  return file;
}

async function localCore(): Promise<{ core: Core; dataDir: string; planFile: string }> {
  const t = tempDir('ct-bench-');
  const planFile = writeTinyConfigs(t.dir);
  const c = testCore({ dataDir: t.dir, clock: systemClock, config: { localSim: { queueMs: 0, fps: 12 }, pollIntervalMs: { local: 20 } } });
  cleanups.push(t.cleanup, c.cleanup);
  await c.core.money.activate('tiny-local');
  await c.core.queue.start();
  return { core: c.core, dataDir: t.dir, planFile };
}

describeWith(ffmpegNeed, 'circletake benchmark', () => {
  it('runs 5 small and 5 bigger previews one at a time, records each, and proposes the plan change as a diff', async () => {
    const { core, dataDir, planFile } = await localCore();
    const progress: unknown[] = [];
    core.events.subscribe((name, p) => name === 'benchmark.progressed' && progress.push(p));
    const r = await core.benchmark.run({ provider: 'local', isConfirmed: false });
    const today = dayOf(Date.now());

    expect(r).toMatchObject({ day: today, provider: 'local', plan: 'tiny-local', model: 'tiny', appliedAt: null });
    expect(r.jobs.map((j) => [j.kind, j.durationSec, j.ratio, j.variations, j.status])).toEqual([
      ...Array.from({ length: 5 }, () => ['small', 5, '160:90', 1, 'ok']),
      ...Array.from({ length: 5 }, () => ['big', 10, '320:180', 2, 'ok']),
    ]);
    // One at a time: each job's balance delta is its own cost (4 credits/s × seconds × variations).
    let balance = 10_000;
    for (const j of r.jobs) {
      const cost = 4 * j.durationSec * j.variations;
      expect([j.creditsBefore, j.creditsAfter, j.charged, j.estimated]).toEqual([balance, balance - cost, cost, cost]);
      expect(j.paramsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(j.latencyMs).toBeGreaterThan(0);
      balance -= cost;
    }
    expect(r.summary).toMatchObject({ jobs: 10, failures: 0, refused: 0, failureRate: 0, seconds: 125, credits: 500, effectiveCreditsPerSecond: 4, cardCreditsPerSecond: 4 });
    expect(r.summary.p95LatencyMs).toBe(Math.max(...r.jobs.map((j) => j.latencyMs!)));
    expect(r.findings).toContain('Effective 4 credits/s, within 5 % of rate card tiny (4).');
    expect(progress).toHaveLength(10);
    expect(progress[9]).toEqual({ id: r.id, done: 10, total: 10 });

    // A dated report and its diff in the data dir; the proposal moves checked_at and version on.
    expect(r.file).toBe(join(dataDir, 'benchmarks', `benchmark-${today}-local-${r.id.slice(-6)}.json`));
    expect(JSON.parse(readFileSync(r.file, 'utf8'))).toMatchObject({ id: r.id, summary: { credits: 500 } });
    expect(readFileSync(r.file.replace(/\.json$/, '.plan.diff'), 'utf8')).toBe(r.proposal.diff);
    expect(r.proposal).toMatchObject({ plan: 'tiny-local', baseFile: planFile, targetFile: planFile });
    expect(r.proposal.changes.map((c) => [c.path, c.from, c.to])).toEqual([
      ['plan.checked_at', '2026-09-23', today],
      ['plan.version', 1, 2],
    ]);
    const diffLines = r.proposal.diff.split('\n').filter((l) => /^[-+] /.test(l) || /^[-+]\s/.test(l));
    expect(diffLines).toEqual(['-  version: 1', '-  checked_at: "2026-09-23"', '+  version: 2', `+  checked_at: "${today}"`]);
    expect((await core.benchmark.list()).map((b) => b.id)).toEqual([r.id]);

    // Nothing changes until the user applies it; then the plans reload with the new file.
    expect(core.plans.plan('tiny-local').plan.version).toBe(1);
    const applied = await core.benchmark.apply(r.id);
    expect(applied).toEqual({ id: r.id, plan: 'tiny-local', file: planFile, version: 2, checkedAt: today });
    expect(core.plans.plan('tiny-local').plan).toMatchObject({ version: 2, checked_at: today });
    expect(readFileSync(planFile, 'utf8')).toContain('# The Runway developer API');
    expect((await core.benchmark.get(r.id)).appliedAt).not.toBeNull();
    await expect(core.benchmark.apply(r.id)).rejects.toMatchObject({ code: 'CONFLICT' });

    // The benchmark's takes are real: shortlist one and the forecast counts its release re-render.
    await core.takeChecks.idle();
    const project = (await core.projects.findByName(`Benchmark ${today}`))!;
    const take = (await core.takes.list(project.id)).find((t) => t.artifactClass === 'preview' && t.checkStatus === 'passed')!;
    await core.board.tag([take.id], 'promising', 'ana');
    const f = await core.insight.forecast({ projectId: project.id });
    const job = await core.queue.get(take.jobId);
    expect(f.planned).toEqual([{ label: `Finalize the shortlist of Benchmark ${today} (1 take)`, projectId: project.id, credits: 4 * job.durationSec!, surfaces: { local: 4 * job.durationSec! } }]);
  }, 180_000);

  it('refuses to apply a proposal when the plan file changed since the run, and writes nothing', async () => {
    const { core, planFile } = await localCore();
    const r = await core.benchmark.run({ provider: 'local', isConfirmed: false });
    const edited = `${readFileSync(planFile, 'utf8')}# edited by hand\n`;
    writeFileSync(planFile, edited);
    await expect(core.benchmark.apply(r.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/changed since the benchmark; nothing was written/) });
    expect(readFileSync(planFile, 'utf8')).toBe(edited);
    expect((await core.benchmark.get(r.id)).appliedAt).toBeNull();
  }, 180_000);

  it('against Runway (the fake server): needs confirmation, then measures the balance and proposes the limits it met', async () => {
    const fake = await FakeRunway.start({ fast: true, creditBalance: 20_000, tier: { 'gen4.5': { maxConcurrentGenerations: 1, maxDailyGenerations: 100 } } });
    const provider = new RunwayProvider({ keySource: { getKey: async () => fake.key }, baseURL: fake.baseUrl, logger: { log: () => undefined }, clock: systemClock });
    const t = testCore({ clock: systemClock, config: { providerOverrides: [provider], pollIntervalMs: { runway: 10 } } });
    cleanups.push(() => fake.stop(), t.cleanup);
    const core = t.core;
    await core.ledger.purchase({ id: 'buy', surface: 'api', credits: 5_000 });
    await core.queue.start();

    // 5 × 60 + 5 × 240 credits at 12/s: refused until confirmed, and nothing was created.
    await expect(core.benchmark.run({ provider: 'runway', isConfirmed: false })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'isConfirmed: the benchmark spends about 1500 runway credits on 10 jobs; confirm to run it (--yes).',
    });
    expect(fake.stats().createPosts).toBe(0);

    fake.inject({ route: 'create', times: 2, fault: { kind: 'status', status: 429, error: 'Too many requests', retryAfterMs: 10 } });
    const r = await core.benchmark.run({ provider: 'runway', isConfirmed: true });
    expect(r.model).toBe('gen4.5');
    expect(r.jobs.every((j) => j.status === 'ok')).toBe(true);
    expect(r.jobs.map((j) => j.ratio)).toEqual([...Array(5).fill('1280:720'), ...Array(5).fill('720:1280')]);
    expect(r.findings).toContain('gen4.5 accepts no picture above 1280:720 here: the bigger jobs differ in length and variations only');
    // The provider's own balance: what it billed, job by job.
    expect(r.summary.credits).toBe(fake.stats().billedCredits);
    expect(r.jobs[0]!.creditsBefore! - r.jobs[9]!.creditsAfter!).toBe(fake.stats().billedCredits);
    expect(r.summary.effectiveCreditsPerSecond).toBe(12);
    expect(r.proposal.changes.map((c) => [c.path, c.from, c.to])).toEqual([
      ['plan.checked_at', '2026-09-23', dayOf(Date.now())],
      ['plan.version', 1, 2],
      ['quotas.max_concurrent_jobs', 2, 1],
      ['concurrency.max', 2, 1],
      ['concurrency.start', 2, 1],
      ['rate_limits.requests_per_minute', 60, 30],
    ]);
    // A built-in plan is replaced by a user file of the same name.
    expect(r.proposal.targetFile).toBe(join(t.dataDir, 'plans', 'runway-api.yaml'));
    expect(existsSync(r.proposal.targetFile)).toBe(false);
    await core.benchmark.apply(r.id);
    const entry = core.plans.list().plans.find((p) => p.name === 'runway-api')!;
    expect(entry).toMatchObject({ source: 'user', file: r.proposal.targetFile, config: { quotas: { max_concurrent_jobs: 1 }, rate_limits: { requests_per_minute: 30 } } });
  }, 180_000);
});
