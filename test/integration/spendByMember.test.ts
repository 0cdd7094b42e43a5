import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../../shared/contract';
import type { Report } from '../../shared/contract/insightTypes';
import type { LocalCore as Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { callAs, joinAs } from '../support/members';

// Issue 18 item 3, usage by member: what each studio member (and a local session by the name it tags with)
// really spent, from the ledger's captures and refunds — in the report (spend.byUser) and in
// `circletake report --by user`. Real core, the local simulator, real settles.

let core: Core;
let dataDir: string;
let cleanup: () => Promise<void>;
const OWNER: CallContext = { role: 'owner', door: 'cli' };

beforeAll(() => {
  const t = testCore({ clock: systemClock, config: { localSim: { queueMs: 0, fps: 12 }, pollIntervalMs: { local: 15 } } });
  core = t.core;
  dataDir = t.dataDir;
  cleanup = t.cleanup;
});
afterAll(async () => {
  await cleanup();
});

const call = <T>(name: string, input: unknown, ctx: CallContext): Promise<T> => callAs<T>(core, name, input, ctx);
const join = (role: MemberRole, name: string) => joinAs(core, role, name);

const cli = (args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('spend by member', () => {
  it('credits each member with what their own jobs captured, named, most first; the CLI prints it with --by user', { timeout: 120_000 }, async () => {
    const ana = await join('filmmaker', 'Ana');
    const ben = await join('filmmaker', 'Ben');
    const draft = (durationSec: number, seed: number) => ({ params: { provider: 'local', model: 'gen4_turbo', durationSec, ratio: '1280:720', prompt: `a kite over the dunes ${seed}`, seed }, projectName: 'Dunes' });
    const ids = [
      (await call<{ jobId: string }>('jobs.submit', draft(10, 1), ana)).jobId,
      (await call<{ jobId: string }>('jobs.submit', draft(5, 2), ana)).jobId,
      (await call<{ jobId: string }>('jobs.submit', draft(5, 3), ben)).jobId,
    ];
    await core.queue.start();
    for (;;) {
      const jobs = await Promise.all(ids.map((id) => core.queue.get(id)));
      if (jobs.every((j) => !['queued', 'running', 'paused'].includes(j.status))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const jobs = await Promise.all(ids.map((id) => core.queue.get(id)));
    const captured = (i: number[]) => i.reduce((a, k) => a + (jobs[k]!.capturedCredits ?? 0), 0);
    expect(captured([0, 1])).toBeGreaterThan(captured([2]));

    const report = await call<Report>('insight.report', {}, OWNER);
    expect(report.spend.byUser).toEqual([
      { userId: ana.memberId, name: 'Ana', credits: captured([0, 1]) },
      { userId: ben.memberId, name: 'Ben', credits: captured([2]) },
    ]);
    expect(report.spend.byUser.reduce((a, u) => a + u.credits, 0)).toBe(report.spend.credits);

    const text = await cli(['report', '--by', 'user']);
    expect(text.status).toBe(0);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.includes('by member'));
    expect(lines[at + 1]).toMatch(new RegExp(`^\\s+Ana\\s+${captured([0, 1]).toLocaleString('en-US')} credits`));
    expect(lines[at + 2]).toMatch(/^\s+Ben\s/);
    const plain = await cli(['report']);
    expect(plain.stdout).not.toContain('by member');
    const bad = await cli(['report', '--by', 'project']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--by must be user');
  });
});
