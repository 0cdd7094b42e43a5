import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {} from '../support/clips';
import { FakeClock, testCore } from '../support/core';
import { seedInsight, START } from '../support/insightSeed';
import { tempDir } from '../support/tmp';
import { itWith, ffmpegNeed } from '../support/needs';

// `circletake report` and `circletake benchmark` through the real binary. The seeded history lies in
// November 2026; only figures that do not depend on today's date are asserted here (the report's
// date-relative figures are covered in insightReport.test.ts with a fixed clock).

const seeded = tempDir('ct-insight-cli-');
const fresh = tempDir('ct-insight-cli-fresh-');
afterAll(() => {
  seeded.cleanup();
  fresh.cleanup();
});

beforeAll(async () => {
  const clock = new FakeClock(START);
  const t = testCore({ dataDir: seeded.dir, clock });
  await seedInsight(t.core, clock);
  await t.core.dispose();
});

const env = { ...process.env, RUNWAYML_API_SECRET: '' };
const cli = (dir: string, ...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', dir], { encoding: 'utf8', timeout: 120_000, env });
const RANGE = ['--since', '2026-11-02', '--until', '2026-11-24'];

describe('circletake report', () => {
  it('--json: the report and the recommendations', () => {
    const r = cli(seeded.dir, 'report', '--json', ...RANGE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { spend: { credits: number; byStage: object }; recommendations: { id: string }[]; yield: object };
    expect(out.since).toBe('2026-11-02');
    expect(out.spend.credits).toBe(280);
    expect(out.spend.byStage).toEqual({ generate: 130, refine: 0, upscale: 60, export: 90, none: 0 });
    expect(out.yield).toMatchObject({ keptTakes: 4, approvedFinals: 2, creditsPerKeptTake: 47.5, creditsPerApprovedFinal: 140, creditsSaved: 25, refunded: 20 });
    expect(out.recommendations.map((x) => x.id)).toEqual(['queue_stall', 'export_failures', 'cost_volatility', 'rerender_rate', 'release_blocked']);
  });

  it('--csv: one figure a row under a header', () => {
    const r = cli(seeded.dir, 'report', '--csv', ...RANGE);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('section,period,group,metric,value');
    expect(lines).toContain('spend,2026-11-02..2026-11-24,all,credits,280');
    expect(lines).toContain('export_failures,2026-11-02..2026-11-24,release,rate,0.3333');
    expect(lines.every((l) => l.split(',').length >= 5)).toBe(true);
  });

  it('prints a readable summary, and narrows to a project by name', () => {
    const text = cli(seeded.dir, 'report', ...RANGE);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Spend        280 credits net of refunds');
    expect(text.stdout).toContain('Export failures  1 of 3 release attempts (33.3 %)');
    expect(text.stdout).toContain('Credits per kept take 47.5 · per approved final 140');
    expect(text.stdout).toMatch(/ACT {2}Watermarks or export caps block release work/);
    const short = JSON.parse(cli(seeded.dir, 'report', '--json', ...RANGE, '--project', 'Short').stdout) as { spend: { credits: number }; projectId: string };
    expect(short.spend.credits).toBe(60);
  });

  it('refuses bad flags with exit 2, naming the flag', () => {
    const both = cli(seeded.dir, 'report', '--json', '--csv');
    expect([both.status, both.stderr.trim()]).toEqual([2, 'circletake: report: pick one of --json or --csv']);
    const day = cli(seeded.dir, 'report', '--since', '2026/11/02');
    expect([day.status, day.stderr.trim()]).toEqual([2, 'circletake: --since must be a day like 2026-11-01 (got "2026/11/02")']);
    const backwards = cli(seeded.dir, 'report', '--since', '2026-11-24', '--until', '2026-11-02');
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toContain('since: 2026-11-24 must be before 2026-11-02');
    const project = cli(seeded.dir, 'report', '--project', 'Nope');
    expect([project.status, project.stderr.trim()]).toEqual([3, 'circletake: --project: No project named or with id "Nope"; the board and `circletake jobs` list them.']);
  });
});

describe('circletake benchmark', () => {
  it('refuses an unknown provider, and Runway without --yes (after saying what it would spend)', () => {
    const bad = cli(fresh.dir, 'benchmark', '--provider', 'import');
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'circletake: --provider must be local or runway (got "import")']);
    const runway = cli(fresh.dir, 'benchmark', '--provider', 'runway');
    expect(runway.status).toBe(2);
    expect(runway.stderr).toContain('benchmarking runway/gen4.5: 10 jobs, about 1500 credits');
    expect(runway.stderr).toContain('isConfirmed: the benchmark spends about 1500 runway credits on 10 jobs; confirm to run it (--yes).');
    const noKey = cli(fresh.dir, 'benchmark', '--provider', 'runway', '--yes');
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('No Runway API key');
    expect(cli(fresh.dir, 'benchmark', '--list').stdout.trim()).toBe('no benchmarks yet: run `circletake benchmark`');
    const missing = cli(fresh.dir, 'benchmark', '--apply', 'bench_nope');
    expect(missing.status).toBe(3);
  });

  itWith(ffmpegNeed, 'runs on the simulator, writes the dated report, and applies the proposal with --apply', () => {
    const t = tempDir('ct-insight-cli-bench-');
    try {
      mkdirSync(join(t.dir, 'rates'), { recursive: true });
      mkdirSync(join(t.dir, 'plans'), { recursive: true });
      writeFileSync(
        join(t.dir, 'rates', 'tiny.yaml'),
        'rate_card: { name: tiny, version: 1, checked_at: "2026-11-01", provider: simulator, usd_per_credit: null, notes: small }\npasses: {}\nmodels:\n  tiny: { kind: video, pricing: per_second, credits_per_second: 4, durations: { min: 1, max: 10, step: 1 }, ratios: ["160:90", "320:180"], output_formats: [mp4] }\n',
      );
      const plan = readFileSync(join('resources', 'plans', 'runway-api.yaml'), 'utf8').replace('name: runway-api', 'name: tiny-local').replace('rate_card: runway-api', 'rate_card: tiny').replace(/\n {2}default: true/, '');
      writeFileSync(join(t.dir, 'plans', 'tiny-local.yaml'), plan);
      expect(cli(t.dir, 'plans', 'use', 'tiny-local').status).toBe(0);
      const run = cli(t.dir, 'benchmark', '--json');
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { id: string; day: string; file: string; summary: { jobs: number; effectiveCreditsPerSecond: number }; proposal: { diff: string } };
      expect(report.summary).toMatchObject({ jobs: 10, effectiveCreditsPerSecond: 4 });
      expect(report.file).toBe(join(t.dir, 'benchmarks', `benchmark-${report.day}-local-${report.id.slice(-6)}.json`));
      expect(report.proposal.diff).toContain('+  version: 2');
      const text = cli(t.dir, 'benchmark', '--list');
      expect(text.stdout).toContain(`${report.id}  ${report.day}  local/tiny  plan tiny-local  4 credits/s  not applied`);
      const applied = cli(t.dir, 'benchmark', '--apply', report.id);
      expect([applied.status, applied.stdout.trim()]).toEqual([0, `Plan tiny-local is now version 2, checked ${report.day}: ${join(t.dir, 'plans', 'tiny-local.yaml')}`]);
      const plans = JSON.parse(cli(t.dir, 'plans', 'list', '--json').stdout) as { plans: { name: string; version: number; checkedAt: string }[] };
      expect(plans.plans.find((p) => p.name === 'tiny-local')).toMatchObject({ version: 2, checkedAt: report.day });
      const again = cli(t.dir, 'benchmark', '--apply', report.id);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('was applied on');
    } finally {
      t.cleanup();
    }
  });
});
