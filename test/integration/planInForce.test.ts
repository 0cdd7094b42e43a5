import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';

// Issue 13 item 7: the plan in force survives a broken file and a restart. Every step is a fresh CLI
// process on the same real data dir, so each one is a real core restart.
const t = tempDir('ct-plan-force-');
afterAll(() => t.cleanup());
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 60_000 });
const job = '{"model":"gen4.5","durationSec":5,"prompt":"a harbour at dawn"}'; // 60 credits
const estimateJob = '{"model":"gen4.5","durationSec":5}'; // estimate takes no prompt
const file = join(t.dir, 'plans', 'tight.yaml');
const good = readFileSync('resources/plans/runway-api.yaml', 'utf8')
  .replace('name: runway-api', 'name: tight')
  .replace('default: true', 'default: false')
  .replace('credits_per_day: null', 'credits_per_day: 10');
const broken = good.replace('credits_per_day: 10', 'credits_per_day: "ten"');
const brokenLine = broken.split('\n').findIndex((l) => l.includes('"ten"')) + 1;

function refusedByCap(r: ReturnType<typeof cli>): void {
  expect(r.status, r.stderr).toBe(2);
  const out = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } };
  expect(out.error.code).toBe('POLICY_REFUSED');
  expect(out.error.message).toMatch(/Daily cap: 10 credits a day, 0 used today, 10 left; this job needs 60/);
}

describe('the plan in force across a broken file and a restart', () => {
  it('keeps the last good user plan in force, says which file is broken and since when, and lets a fixed file take over', () => {
    mkdirSync(join(t.dir, 'plans'), { recursive: true });
    writeFileSync(file, good);
    expect(cli('plans', 'use', 'tight').status).toBe(0);
    const first = cli('submit', '--json', job);
    refusedByCap(first);
    expect(first.stderr).not.toMatch(/warning/);

    writeFileSync(file, broken);
    const second = cli('submit', '--json', job);
    refusedByCap(second);
    const warning = new RegExp(
      `^circletake: warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${brokenLine}: quotas\\.credits_per_day: .+ \\(broken since (\\S+); the last good version, sha256 ${createHash('sha256').update(good).digest('hex').slice(0, 12)} stored \\S+, stays in force\\)$`,
      'm',
    );
    const since = warning.exec(second.stderr)?.[1];
    expect(since, second.stderr).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Restart again: same version in force, same "since", named by every command that prices.
    const est = cli('estimate', '--json', estimateJob);
    expect(est.status).toBe(0);
    expect(warning.exec(est.stderr)?.[1]).toBe(since);
    const brokenConfigs = (JSON.parse(est.stdout) as { brokenConfigs: { file: string; since: string; inForce: { hash: string } }[] }).brokenConfigs;
    expect(brokenConfigs).toEqual([expect.objectContaining({ file, line: brokenLine, field: 'quotas.credits_per_day', since, inForce: expect.objectContaining({ hash: createHash('sha256').update(good).digest('hex') }) })]);
    const plans = JSON.parse(cli('plans', 'list', '--json').stdout) as { active: { plan: string }; problems: { since?: string }[] };
    expect(plans.active.plan).toBe('tight');
    expect(plans.problems.map((p) => p.since)).toEqual([since]);
    refusedByCap(cli('submit', '--json', job));

    // Fixed: the new version is in force and nothing is reported broken.
    writeFileSync(file, good.replace('credits_per_day: 10', 'credits_per_day: 100'));
    const fixed = cli('submit', '--json', job);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stderr).toBe('');
    expect(cli('ledger', 'audit').stdout).toMatch(/^books balance/);
  });

  it('names a YAML alias bomb as a broken file instead of failing every command', () => {
    const bomb = ['lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [n, prev] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) bomb.push(`${prev}: &${prev} [${Array(9).fill(`*${n === 0 ? 'a' : 'bcdefghi'[n - 1]}`).join(', ')}]`);
    const bombFile = join(t.dir, 'plans', 'bomb.yaml');
    writeFileSync(bombFile, `${bomb.join('\n')}\n`);
    const est = cli('estimate', '--json', estimateJob);
    expect(est.status, est.stderr).toBe(0);
    expect(est.stderr).toContain(`circletake: warning: ${bombFile}:2: (yaml): too many aliases to expand (more than 50)`);
    expect(est.stderr).toMatch(/no good version was ever stored, so it is not in force/);
    const list = cli('plans', 'list');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`rejected: ${bombFile}:2: (yaml): too many aliases`);
  });
});
