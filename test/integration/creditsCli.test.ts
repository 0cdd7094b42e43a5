import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quote } from '../../shared/contract/credits';
import type { LimitsView } from '../../shared/money/limits';
import type { LocalCore as Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore } from '../support/core';
import { callAs, joinAs } from '../support/members';

// Issue 18 item 3 from the CLI: `circletake credits limits|limit|notify|deliveries` on a data dir, the
// limit then in force for the member's next quote and submit — while a cache hit of a job they already
// paid for stays free and is never refused. Real core, the local simulator, a real CLI process.

let core: Core;
let dataDir: string;
let cleanup: () => Promise<void>;

beforeAll(() => {
  const t = testCore({ clock: systemClock, config: { localSim: { queueMs: 0, fps: 12 }, pollIntervalMs: { local: 15 } } });
  core = t.core;
  dataDir = t.dataDir;
  cleanup = t.cleanup;
});
afterAll(async () => {
  await cleanup();
});

const cli = (args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', 'credits', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

const draft = (seed: number) => ({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: `a kite over the dunes ${seed}`, seed }, projectName: 'Dunes' });

describe('circletake credits', () => {
  it("sets a member's limits that their next quote and submit obey, while a cache hit stays free", { timeout: 120_000 }, async () => {
    const fay: CallContext = await joinAs(core, 'filmmaker', 'Fay');
    const first = await callAs<{ jobId: string }>(core, 'jobs.submit', draft(1), fay);
    await core.queue.start();
    for (;;) {
      const j = await core.queue.get(first.jobId);
      if (!['queued', 'running', 'paused'].includes(j.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const spent = (await core.queue.get(first.jobId)).capturedCredits!;
    expect(spent).toBeGreaterThan(0);

    const set = await cli(['limit', '--user', 'Fay', '--monthly', String(spent), '--daily', 'none', '--json']);
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    const view = JSON.parse(set.stdout) as LimitsView;
    expect(view.members.find((m) => m.name === 'Fay')).toMatchObject({ monthly: spent, daily: null, spentMonth: spent, updatedBy: null });

    const { prompt: _p, seed: _s, ...params } = draft(2).params;
    const quote = await callAs<Quote>(core, 'credits.quote', { params }, fay);
    expect(quote.refusals.map((r) => [r.rule, r.limit])).toEqual([['budgets.user', spent]]);
    const refused = await core.dispatch('jobs.submit', draft(2), fay);
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'POLICY_REFUSED', details: { rule: 'budgets.user' } });
    const again = await callAs<{ cacheHit: boolean; jobId: string }>(core, 'jobs.submit', draft(1), fay); // the same request: its answer, free
    expect(again.cacheHit).toBe(true);

    const text = await cli(['limits']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^  Fay\\s+monthly ${spent.toLocaleString('en-US')} / ${spent.toLocaleString('en-US')}  daily ${spent.toLocaleString('en-US')} / —`, 'm'));
    const project = (await core.projects.list()).find((p) => p.name === 'Dunes')!;
    const capped = await cli(['limit', '--project', project.id, '--daily', '1000']);
    expect(capped.status).toBe(0);
    expect(capped.stdout).toMatch(/^ {2}Dunes\s+budget .* daily .* \/ 1,000/m);

    const secret = 'sixteen-characters-at-least';
    const hooked = await cli(['notify', '--webhook', 'https://hooks.example.com/spend', '--secret', secret, '--json']);
    expect(hooked.status).toBe(0);
    expect(JSON.parse(hooked.stdout).notify.webhook).toMatchObject({ url: 'https://hooks.example.com/spend', hasSecret: true });
    expect(hooked.stdout).not.toContain(secret);
    expect((await cli(['notify', '--at', '100,50'])).stdout).toContain('spend notices: 50, 100 credits a month (studio default)');
    expect((await cli(['deliveries'])).stdout).toContain('no webhook deliveries');
  });

  it('answers usage errors with exit 2 before opening anything, and an unknown member with exit 3', { timeout: 60_000 }, async () => {
    for (const args of [['limit', '--user', 'Fay'], ['limit', '--user', 'Fay', '--monthly', 'lots'], ['limit', '--project', 'p', '--monthly', '5'], ['limit', '--daily', '5'], ['notify'], ['bogus']]) {
      const r = await cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^circletake: /);
    }
    const nobody = await cli(['limit', '--user', 'nobody', '--daily', '5']);
    expect(nobody.status).toBe(3);
    expect(nobody.stderr).toContain('no member nobody');
    const badUrl = await cli(['notify', '--webhook', 'file:///etc/passwd', '--secret', 'sixteen-characters-at-least']);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('webhook.url');
  });
});
