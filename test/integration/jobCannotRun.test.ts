import { randomBytes } from 'node:crypto';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { dbNeedsOn, ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
import { describeWith, itWith } from '../support/needs';
import { tempDir } from '../support/tmp';
import { submitRequest } from '../support/parsed';

// A job never wedges holding money (issue 13, item 10): a job that cannot run — its prompt no longer
// decrypts, or its input file is gone — ends failed with its reservation released and the reason
// shown, and stays that way across a restart.
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function settle(core: Core, id: string) {
  for (let i = 0; i < 500; i++) {
    const j = await core.queue.get(id);
    if (!['queued', 'running', 'paused'].includes(j.status)) {
      await core.queue.idle();
      return j;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} did not settle: ${JSON.stringify(await core.queue.get(id))}`);
}

const localAvailable = async (core: Core) => (await core.ledger.balances()).surfaces.find((s) => s.surface === 'local')!.available;

async function expectReleased(core: Core, jobId: string, before: number) {
  const reservations = await core.ledger.reservationsForJob(jobId);
  expect(reservations).toHaveLength(1);
  expect(reservations[0]).toMatchObject({ state: 'voided', captured: 0 });
  expect(await localAvailable(core)).toBe(before);
  expect(await core.ledger.audit()).toMatchObject({ ok: true });
}

/** A core on the data dir (and, on PostgreSQL, the studio database) `of` another, as a restart opens it. */
const reopen = (engine: EngineName, of: { dataDir: string; databaseUrl: string | null }, opts: Parameters<typeof testCoreOn>[1] = {}) =>
  testCoreOn(engine, { ...opts, dataDir: of.dataDir, ...(of.databaseUrl ? { databaseUrl: of.databaseUrl } : {}) });

// On both engines: the queue, the ledger and the sealed prompts' rows on SQLite or PostgreSQL (the key
// stays in the data dir on both).
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `a job that cannot run · ${engine}`, () => {
  it('with a prompt sealed under a key that was since replaced ends failed, reservation released, reason shown', async () => {
    const data = tempDir('ct-cannot-run-');
    cleanups.push(() => data.cleanup());
    const first = await testCoreOn(engine, { dataDir: data.dir });
    const before = await localAvailable(first.core);
    const r = await first.core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a secret heist beat' }, projectName: 'Keys' }));
    expect((await first.core.ledger.reservationForJob(r.jobId))?.state).toBe('pending');
    await first.core.dispose();
    // The race this issue fixed left jobs sealed with a key that was then replaced: replay that.
    writeFileSync(join(data.dir, 'keys', 'prompt.key'), randomBytes(32).toString('hex'), { mode: 0o600 });

    const logs: string[] = [];
    const second = await reopen(engine, first, { logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) } });
    cleanups.push(() => second.core.dispose());
    await second.core.queue.start();
    const job = await settle(second.core, r.jobId);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'PROMPT_UNREADABLE', capturedCredits: 0 });
    expect(job.errorMessage).toMatch(/^prompt: .*cannot be decrypted.*credits are released/);
    expect(job.tasks.map((t) => t.status)).toEqual(['failed']);
    expect((await second.core.queue.deadLetters()).map((j) => j.id)).toEqual([r.jobId]);
    await expectReleased(second.core, r.jobId, before);
    expect(logs.join('\n')).not.toContain('a secret heist beat');
    // Retrying it from the dead letters cannot help: refused naming the prompt, nothing reserved again.
    const history = (await second.core.ledger.history()).length;
    await expect(second.core.queue.retry(r.jobId)).rejects.toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'prompt' } }));
    expect(await second.core.ledger.history()).toHaveLength(history);
    expect((await second.core.queue.get(r.jobId)).status).toBe('failed');
    await second.core.dispose();

    // And it stays ended: a restart finds nothing running and nothing held.
    const third = await reopen(engine, first);
    cleanups.push(() => third.core.dispose());
    await third.core.queue.start();
    await third.core.queue.idle();
    expect((await third.core.queue.get(r.jobId)).status).toBe('failed');
    expect(await third.core.ledger.pendingReservations()).toEqual([]);
  });

  itWith(needsOn(engine), 'whose take is finalized after its prompt key was replaced is refused naming the take, not INTERNAL', async () => {
    const data = tempDir('ct-cannot-finalize-');
    cleanups.push(() => data.cleanup());
    const first = await testCoreOn(engine, { dataDir: data.dir, clock: { now: () => Date.now() }, config: { pollIntervalMs: { local: 20 }, localSim: { queueMs: 0, fps: 12 } } });
    await first.core.queue.start();
    const r = await first.core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over dunes' }, projectName: 'Fin' }));
    expect((await settle(first.core, r.jobId)).status).toBe('succeeded');
    await first.core.takeChecks.idle();
    const [take] = await first.core.takes.byJob(r.jobId);
    await first.core.board.tag([take!.id], 'promising', 'reviewer-1');
    const projectId = (await first.core.queue.get(r.jobId)).projectId;
    await first.core.dispose();
    writeFileSync(join(data.dir, 'keys', 'prompt.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
    const second = await reopen(engine, first, { clock: { now: () => Date.now() } });
    cleanups.push(() => second.core.dispose());
    await expect(second.core.finalizer.plan(projectId, { top: 1 })).rejects.toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'takeIds', takeId: take!.id } }));
    expect(await second.core.ledger.pendingReservations()).toEqual([]);
  });

  it.each(['import', 'local'] as const)('whose input file is gone (%s) ends failed naming the field, reservation released', async (provider) => {
    const t = await testCoreOn(engine);
    cleanups.push(t.cleanup);
    const files = tempDir('ct-cannot-run-files-');
    cleanups.push(() => files.cleanup());
    const file = join(files.dir, provider === 'import' ? 'clip.mp4' : 'board.png');
    // An import must at least look like a video (an MP4 header) to be accepted at submit.
    if (provider === 'import') writeFileSync(file, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(2048, 3)]));
    else copyFileSync(join('resources', 'watermark.png'), file);
    if (provider === 'import') await t.core.ledger.purchase({ id: 'buy', surface: 'api', credits: 1000 });
    const params =
      provider === 'import'
        ? { provider, model: 'imported', sourceFile: file, enteredCredits: 25, artifactClass: 'preview' as const }
        : { provider, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a storyboard frame, animated', promptImage: file };
    const surface = provider === 'import' ? 'api' : 'local';
    const available = async () => (await t.core.ledger.balances()).surfaces.find((s) => s.surface === surface)!.available;
    const before = await available();
    const r = await t.core.queue.submit(submitRequest({ params, projectName: 'Files' }));
    expect(await available()).toBeLessThan(before);
    rmSync(file);
    await t.core.queue.start();
    const job = await settle(t.core, r.jobId);
    const field = provider === 'import' ? 'sourceFile' : 'promptImage';
    expect(job).toMatchObject({ status: 'failed', errorCode: 'INPUT_MISSING', capturedCredits: 0 });
    expect(job.errorMessage).toContain(`${field}: the file ${file} is gone`);
    expect(await t.core.ledger.reservationForJob(r.jobId)).toMatchObject({ state: 'voided', captured: 0 });
    expect(await available()).toBe(before);
    expect(await t.core.ledger.audit()).toMatchObject({ ok: true });
  });
});
