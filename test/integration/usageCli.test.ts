import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../shared/contract/usage';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { FakeClock, testCore } from '../support/core';
import { joinAs } from '../support/members';

// Issue 18 item 3, usage over time in the CLI: `circletake report --over day|week|month [--by user|project]`
// against a data dir whose books were written by the real ledger (two members and the owner, two
// projects, over three days), in a real CLI process.

let core: Core;
let dataDir: string;
let cleanup: () => Promise<void>;
const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));

beforeAll(async () => {
  const t = testCore({ clock });
  core = t.core;
  dataDir = t.dataDir;
  cleanup = t.cleanup;
  const ana = (await joinAs(core, 'filmmaker', 'Ana')).memberId!;
  const ben = (await joinAs(core, 'filmmaker', 'Ben')).memberId!;
  const dunes = (await core.projects.create('Dunes')).id;
  const kites = (await core.projects.create('Kites')).id;
  const job = (id: string, credits: number, projectId: string, userId?: string) => ({ id: `res-${id}`, jobId: id, projectId, ...(userId ? { userId } : {}), stage: 'generate' as const, artifactClass: 'preview' as const, amounts: { local: credits } });
  await core.ledger.capture((await core.ledger.reserve(job('j1', 300, dunes, ana))).id, 250);
  await core.ledger.reserve(job('j2', 100, kites, ben)); // still running: held
  clock.t = Date.parse('2026-11-22T10:00:00Z');
  await core.ledger.capture((await core.ledger.reserve(job('j3', 60, kites))).id, 60);
  await core.ledger.capture((await core.ledger.reserve(job('j4', 40, dunes, ana))).id, 40);
});
afterAll(async () => {
  await cleanup();
});

const cli = (args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', 'report', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
const RANGE = ['--since', '2026-11-20', '--until', '2026-11-23'];

describe('circletake report --over', () => {
  it('prints usage per member per day, the same figures as spend.usage in --json and usage_by_user rows in --csv', { timeout: 60_000 }, async () => {
    const [text, json, csv] = await Promise.all([cli(['--over', 'day', ...RANGE]), cli(['--over', 'day', ...RANGE, '--json']), cli(['--over', 'day', ...RANGE, '--csv'])]);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^Circle Take usage by member, per day, 2026-11-20 to 2026-11-23 \(exclusive\)/);
    // charged, held, refunded, then one sparkline cell per day (charged + held, the tallest bucket full).
    expect(lines.find((l) => /^\s+Ana\s/.test(l))).toMatch(/^\s+Ana\s+290\s+0\s+0 {2}█ ▁ {2}mem_/);
    expect(lines.find((l) => /^\s+Ben\s/.test(l))).toMatch(/^\s+Ben\s+0\s+100\s+0 {2}▃ {4}mem_/);
    expect(lines.find((l) => /^\s+Studio owner\s/.test(l))).toMatch(/^\s+Studio owner\s+60\s+0\s+0 {4}▂$/);
    expect(lines.find((l) => /^\s+total\s/.test(l))).toMatch(/^\s+total\s+350\s+100\s+0$/);
    expect(lines.find((l) => l.startsWith('  2026-11-22'))).toMatch(/^\s+2026-11-22\s+100\s+0\s+Ana 40 · Studio owner 60$/);
    expect(lines.some((l) => l.startsWith('  2026-11-21'))).toBe(false);

    const r = JSON.parse(json.stdout) as UsageReport;
    expect(r).toMatchObject({ by: 'user', bucket: 'day', from: '2026-11-20', to: '2026-11-23', totals: { posted: 350, held: 100, credits: 350 } });
    expect(r.series.map((s) => [s.name, s.credits, s.held])).toEqual([['Ana', 290, 0], ['Studio owner', 60, 0], ['Ben', 0, 100]]);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('section,period,group,metric,value');
    expect(rows).toContain('usage_by_user,2026-11-20..2026-11-23,user:Ana,credits,290');
    expect(rows).toContain('usage_by_user,2026-11-20,user:Ben,held,100');
    expect(rows).toContain('usage_by_user,2026-11-21,all,credits,0');
    expect(rows.filter((x) => x.startsWith('usage_by_user,2026-11-21,user:'))).toEqual([]);
  });

  it('--by project per week widens to whole weeks; bad flags exit 2 naming the flag; --by user keeps its output', { timeout: 60_000 }, async () => {
    const [week, badOver, withProject, tooLong, backwards, byUser] = await Promise.all([
      cli(['--by', 'project', '--over', 'week', ...RANGE]),
      cli(['--over', 'year']),
      cli(['--over', 'day', '--project', 'Dunes']),
      cli(['--over', 'day', '--since', '2025-01-01', '--until', '2026-01-03']),
      cli(['--over', 'month', '--since', '2026-11-20', '--until', '2026-11-01']),
      cli(['--by', 'user', ...RANGE]),
    ]);
    expect(week.status).toBe(0);
    expect(week.stdout).toMatch(/^Circle Take usage by project, per week, 2026-11-16 to 2026-11-23 \(exclusive\)/);
    expect(week.stdout).toMatch(/\n\s+Dunes\s+290\s+0\s+0 {2}█\n/);
    expect(week.stdout).toMatch(/\n\s+Kites\s+60\s+100\s+0 {2}▄\n/);
    expect(badOver).toMatchObject({ status: 2, stderr: expect.stringContaining('--over must be day, week or month') });
    expect(withProject).toMatchObject({ status: 2, stderr: expect.stringContaining('--project does not go with --over') });
    expect(tooLong).toMatchObject({ status: 2, stderr: expect.stringMatching(/--since: .*367 days; at most 366/) });
    expect(backwards).toMatchObject({ status: 2, stderr: expect.stringContaining('--since 2026-11-20 must be before --until 2026-11-01') });
    expect(byUser.status).toBe(0);
    expect(byUser.stdout).toMatch(/\n {2}by member {2}\n {4}Ana\s+290 credits {2}82\.9 %/);
    expect(byUser.stdout).not.toContain('per day, oldest first');
  });
});
