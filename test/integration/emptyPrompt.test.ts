import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { dbNeedsOn, ENGINES, testCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// No money for nothing (issue 13, item 9): a render with an empty prompt and no image is refused with
// VALIDATION naming `prompt`, through the contract and the CLI, before anything is reserved.
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const EMPTY = { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720' };

describe('an empty prompt with no image', () => {
  it('is refused by `circletake submit` with exit 2 and VALIDATION naming prompt; the books are untouched', async () => {
    const d = tempDir('ct-empty-prompt-');
    cleanups.push(() => d.cleanup());
    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', d.dir], { encoding: 'utf8', timeout: 60_000 });
    const r = cli('submit', '--json', JSON.stringify({ ...EMPTY, prompt: ' ' }));
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; details: { field: string } } };
    // The CLI dispatches the contract call, so the field is named within the request, as every door names it.
    expect(out).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'params.prompt' } } });
    expect(r.stderr).toMatch(/prompt: describe the shot/);
    const jobs = cli('jobs', '--json');
    expect(JSON.parse(jobs.stdout)).toEqual([]);
    const audit = cli('ledger', 'audit', '--json');
    expect(audit.status).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, totals: { debitsPending: 0 } });
  });
});

// Through the contract on both engines (the queue and the ledger on SQLite or PostgreSQL); the CLI case
// above is about the door, and runs on the data dir's SQLite file.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `an empty prompt with no image, through the contract · ${engine}`, () => {
  it('is refused through the contract with VALIDATION naming the prompt; nothing is reserved or queued', async () => {
    const t = await testCoreOn(engine);
    cleanups.push(t.cleanup);
    const ctx = { role: 'owner' as const, door: 'host' as const };
    const history = (await t.core.ledger.history()).length;
    for (const prompt of [undefined, '', '   \n ']) {
      const r = await t.core.dispatch('jobs.submit', { params: { ...EMPTY, ...(prompt === undefined ? {} : { prompt }) }, projectName: 'Quiet' }, ctx);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.details).toMatchObject({ field: expect.stringMatching(/(^|\.)prompt$/) });
      expect(r.error.message).toMatch(/charged for nothing/);
    }
    // The queue does not parse again, but keeps the money rule: a complete request (as a caller inside core
    // builds it) with an empty prompt and no image is still refused, naming the field.
    const complete = { ...EMPTY, provider: 'local' as const, prompt: ' ', variations: 1, audio: false, artifactClass: 'preview' as const, upscale: false };
    await expect(t.core.queue.submit({ params: complete, projectName: 'Quiet', priority: 0, noCache: false })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'prompt' } });
    expect(await t.core.queue.list()).toEqual([]);
    expect(await t.core.ledger.history()).toHaveLength(history);
    expect(await t.core.ledger.pendingReservations()).toEqual([]);
    expect(await t.core.ledger.audit()).toMatchObject({ ok: true });
    // With a prompt it is something to render.
    const ok = await t.core.dispatch('jobs.submit', { params: { ...EMPTY, prompt: 'surf at night' }, projectName: 'Quiet' }, ctx);
    expect(ok.ok).toBe(true);
  });
});
