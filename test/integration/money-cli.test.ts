import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';

// The money CLI contract, through the real binary against a temp data dir.
const t = tempDir('ct-money-cli-');
afterAll(() => t.cleanup());
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 60_000 });
/** The same, without blocking: independent invocations run side by side. */
const cliAsync = (...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
const json = (r: { status: number | null; stdout: string; stderr: string }) => {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('circletake estimate', () => {
  it('prints one JSON object with credits, usd, pools, factors and violations', () => {
    const out = json(cli('estimate', '--json', '{"model":"gen4.5","durationSec":5}'));
    expect(out).toMatchObject({ credits: 60, usd: 0.6, pools: { api: 60 }, violations: [] });
    expect(out.factors).toEqual([
      { name: 'model', from: null, to: 'gen4.5', multiplier: 12 },
      { name: 'resolution', from: '1280:720', to: '1280:720', multiplier: 1 },
      { name: 'duration', from: 1, to: 5, multiplier: 5 },
      { name: 'variations', from: 1, to: 1, multiplier: 1 },
    ]);
    expect(r0(out)).toEqual(['credits', 'usd', 'pools', 'factors', 'violations']);
  });

  it('with --against adds the multiplier, the changed factors and the warning', async () => {
    const [big, quiet] = await Promise.all([
      cliAsync('estimate', '--json', '{"model":"veo3.1","durationSec":8,"variations":4,"audio":true}', '--against', '{"model":"veo3.1","durationSec":4}'),
      cliAsync('estimate', '--json', '{"model":"gen4.5","durationSec":6}', '--against', '{"model":"gen4.5","durationSec":5}'),
    ]);
    const out = json(big);
    expect(out).toMatchObject({ credits: 1280, multiplier: 16, againstCredits: 80 });
    expect(out.factors).toEqual([
      { name: 'audio', from: false, to: true, multiplier: 2 },
      { name: 'duration', from: 4, to: 8, multiplier: 2 },
      { name: 'variations', from: 1, to: 4, multiplier: 4 },
    ]);
    expect(out.warning).toBe('×16 — audio false → true ×2, duration 4 → 8 ×2, variations 1 → 4 ×4');
    expect(json(quiet)).toMatchObject({ multiplier: 1.2, warning: null });
  });

  it('prices under another plan or rate card, naming violations', async () => {
    const runs = await Promise.all([
      cliAsync('estimate', '--json', '{"model":"gen4_turbo","durationSec":8,"artifactClass":"release"}', '--plan', 'runway-free'),
      cliAsync('estimate', '--json', '{"model":"pixel-pro","durationSec":10,"ratio":"1920:1080","variations":4}', '--against', '{"model":"pixel-pro","durationSec":5}', '--rates', 'generic-pixel'),
      cliAsync('estimate', '--json', '{"model":"gen4_turbo","durationSec":5}', '--plan', 'platform-reseller-example'),
    ]);
    const [free, pixel, platform] = runs.map(json) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(free).toMatchObject({ credits: 40, usd: null, pools: { web: 40 } });
    expect(free.violations).toEqual([{ rule: 'outputs.release_allowed', limit: false, value: 'release' }]);
    expect(pixel).toMatchObject({ credits: 900, multiplier: 18 });
    expect(platform.pools).toEqual({ api: 25, platform: 26 });
  });

  it('exits 2 with one line for bad params: unknown model, refused duration or ratio, retired model, bad JSON', async () => {
    const cases: [string, RegExp][] = [
      ['{"model":"gen5"}', /^circletake: model: unknown model "gen5" on rate card runway-api\. Known models: gen4\.5, gen4_turbo, act_two, veo3\.1/],
      ['{"model":"veo3.1","durationSec":5}', /^circletake: durationSec: 5 s is not accepted by veo3\.1: accepted 4, 6, 8 s$/],
      ['{"model":"gen4.5","ratio":"1920:1080"}', /^circletake: ratio: "1920:1080" is not accepted by gen4\.5: accepted 1280:720, 720:1280/],
      ['{"model":"gen4_aleph"}', /^circletake: model: model "gen4_aleph" is retired; use its successor "aleph2"$/],
      ['{"model":"gen4.5","durationSec":-1}', /^circletake: --json: durationSec: must be more than 0 seconds$/],
      ['{"model":"gen4.5","colour":"red"}', /^circletake: --json: .*colour/],
      ['not json', /^circletake: --json is not valid JSON/],
    ];
    const results = await Promise.all(cases.map(([params]) => cliAsync('estimate', '--json', params)));
    results.forEach((r, i) => {
      expect(r.status, cases[i]![0]).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(cases[i]![1]);
    });
  });

  it('exits 2 naming the known plans for an unknown --plan', () => {
    const r = cli('estimate', '--json', '{"model":"gen4.5"}', '--plan', 'runway-gold');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No plan named "runway-gold"\. Known plans: platform-reseller-example, runway-api/);
  });
});

describe('circletake plans', () => {
  it('lists the active plan with checked_at, and warns when a config is older than 90 days', () => {
    const r = cli('plans', 'list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^active plan {2}runway-api \(checked 2026-09-23\)/);
    expect(r.stdout).toMatch(/warning: Plan runway-free was last checked 2026-05-26 \(\d+ days ago, more than 90\)/);
    const view = json(cli('plans', 'list', '--json')) as { active: { plan: string }; plans: { name: string }[] };
    expect(view.active.plan).toBe('runway-api');
    expect(view.plans).toHaveLength(7);
  });

  it('names the file, line and field of a bad user plan, keeps the rest in force, and switches plans', () => {
    mkdirSync(join(t.dir, 'plans'), { recursive: true });
    const text = readFileSync('resources/plans/runway-free.yaml', 'utf8').replace('name: runway-free', 'name: my-plan').replace('  burst: 3', '  brust: 3');
    const file = join(t.dir, 'plans', 'my-plan.yaml');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('brust')) + 1;
    const r = cli('plans', 'list');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`rejected: ${file}:${line}: rate_limits.brust: unknown field "brust"; did you mean "burst"?`);
    expect(cli('plans', 'use', 'my-plan').status).toBe(3);
    const use = cli('plans', 'use', 'runway-standard');
    expect(use.status).toBe(0);
    expect(use.stdout).toMatch(/^active plan {2}runway-standard/);
    // Every command that prices names the broken file and since when.
    const est = cli('estimate', '--json', '{"model":"gen4_turbo"}');
    expect(est.stderr).toMatch(new RegExp(`^circletake: warning: ${file}:${line}: rate_limits\\.brust: .+ \\(broken since \\d{4}-\\d\\d-\\d\\dT[^;]+; no good version was ever stored, so it is not in force\\)\\n$`));
    expect((JSON.parse(est.stdout) as { pools: unknown }).pools).toEqual({ web: 25 });
    expect(cli('plans', 'use', 'runway-api').status).toBe(0);
  });
});

describe('circletake ledger', () => {
  it('shows balances, records purchases and grants (idempotently by --id), and lists history', () => {
    const b = json(cli('ledger', 'balance', '--json')) as { pools: { pool: string; available: number }[] };
    expect(b.pools.find((p) => p.pool === 'local:grant')?.available).toBe(10_000);
    json(cli('ledger', 'purchase', '--surface', 'api', '--credits', '1500', '--id', 'buy-1', '--json'));
    const again = json(cli('ledger', 'purchase', '--surface', 'api', '--credits', '1500', '--id', 'buy-1', '--json')) as { balances: { pools: { pool: string; available: number }[] } };
    expect(again.balances.pools.find((p) => p.pool === 'api:purchased')?.available).toBe(1500);
    json(cli('ledger', 'grant', '--pool', 'local:grant', '--credits', '250', '--reason', 'more simulation', '--json'));
    const h = json(cli('ledger', 'history', '--json', '--pool', 'local:grant')) as unknown as { kind: string; credits: number; reason: string }[];
    expect(h.map((e) => [e.kind, e.credits])).toEqual([
      ['grant', 250],
      ['grant', 10_000],
    ]);
    const text = cli('ledger', 'balance');
    expect(text.stdout).toMatch(/api:purchased\s+1500 available/);
    expect(cli('ledger', 'audit').stdout).toMatch(/^books balance/);
  });

  it('refuses bad credits, an unknown pool, a purchase below the minimum or on a plan without purchases, clearly, writing nothing', async () => {
    const before = cli('ledger', 'history', '--json').stdout;
    const cases: [string[], number, RegExp][] = [
      [['ledger', 'grant', '--pool', 'local:grant', '--credits=-5'], 2, /credits: must be more than 0/],
      [['ledger', 'grant', '--pool', 'local:grant', '--credits', '2.5'], 2, /credits: must be a whole number of credits/],
      [['ledger', 'grant', '--pool', 'moon:grant', '--credits', '5'], 2, /pool: must be a pool/],
      [['ledger', 'purchase', '--surface', 'api', '--credits', '500'], 2, /must be at least 1000 credits/],
      [['ledger', 'adjust', '--pool', 'local:grant', '--credits', '5'], 2, /reason: say why/],
      [['ledger', 'fly'], 2, /ledger: say one of balance, history/],
    ];
    const results = await Promise.all(cases.map(([args]) => cliAsync(...args)));
    results.forEach((r, i) => {
      expect(r.status, cases[i]![0].join(' ')).toBe(cases[i]![1]);
      expect(r.stderr).toMatch(cases[i]![2]);
    });
    expect(cli('plans', 'use', 'runway-free').status).toBe(0);
    const free = cli('ledger', 'purchase', '--surface', 'web', '--credits', '1000');
    expect(free.status).toBe(2);
    expect(free.stderr.trim()).toMatch(/^circletake: Plan runway-free cannot buy web credits\. Ways out: .*\(rule: [\w.]+\)$/);
    expect(cli('plans', 'use', 'runway-api').status).toBe(0);
    const after = JSON.parse(cli('ledger', 'history', '--json').stdout) as { opId: string }[];
    // Only the Free plan's one-time grant was written (by the switch), nothing by the refusals.
    expect(after.filter((e) => !(JSON.parse(before) as { opId: string }[]).some((b) => b.opId === e.opId)).map((e) => e.opId)).toEqual(['grant:web:runway-free-signup']);
  });
});

/** The keys of an object, in order (the contract's fields come first). */
function r0(o: Record<string, unknown>): string[] {
  return Object.keys(o).slice(0, 5);
}
