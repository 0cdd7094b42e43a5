import { afterEach, expect, it } from 'vitest';
import type { CallOutput } from '../../shared/contract';
import type { Core } from '../../electron/core/createCore';
import { systemClock } from '../../electron/core/nodePorts';
import { settleAll } from '../support/core';
import { ENGINES, needsOn, testCoreOn, type EngineName } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Finalize: the shortlist only, re-rendered at release spec by the local simulator (real ffmpeg),
// after a confirmation that states the cost, the balance before → after and the multiplier.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const localAvailable = async (core: Core) => (await core.ledger.balances()).surfaces.find((s) => s.surface === 'local')!.available;
// The simulator at 12 fps with no simulated queue wait: half the frames to render and check, on both engines.
const open = (engine: EngineName) => testCoreOn(engine, { clock: systemClock, config: { pollIntervalMs: { local: 20 }, localSim: { queueMs: 0, fps: 12 } } });

// On both engines: the queue, the ledger, the board and the finals' metadata on SQLite or PostgreSQL.
for (const engine of ENGINES) {
  describeWith(needsOn(engine), `finalize · ${engine}`, () => {
    it('re-renders only the shortlist at release class, after a confirmed plan, and never promotes a preview', async () => {
      const t = await open(engine);
      cleanups.push(t.cleanup);
      const { core } = t;
      await core.queue.start();
      const a = await core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over dunes', variations: 2 }, projectName: 'Fin', shotName: 'Open' }));
      await settleAll(core);
      const [keep, drop] = await core.takes.byJob(a.jobId);
      await core.board.tag([keep!.id], 'promising', 'reviewer-1');
      await core.board.tag([drop!.id], 'discard', 'reviewer-1');
      const projectId = (await core.queue.get(a.jobId)).projectId;

      const plan = await core.finalizer.plan(projectId, { top: 1 });
      expect(plan.items.map((i) => i.takeId)).toEqual([keep!.id]);
      expect(plan.canRun).toBe(true);
      expect(plan.previewCredits).toBe(keep!.credits);
      expect(plan.totalCredits).toBe(plan.items[0]!.releaseCredits);
      const before = await localAvailable(core);
      expect(plan.before.local).toBe(before);
      expect(plan.after.local).toBe(before - plan.totalCredits);
      expect(plan.multiplier).toBeCloseTo(plan.totalCredits / plan.previewCredits, 2);

      // A take not on the shortlist, or a total above what was confirmed, submits nothing.
      await expect(core.finalizer.run(projectId, [drop!.id], plan.totalCredits)).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(core.finalizer.run(projectId, [keep!.id], plan.totalCredits - 1)).rejects.toMatchObject({ code: 'CONFLICT' });

      const run = await core.finalizer.run(projectId, [keep!.id], plan.totalCredits);
      expect(run.failed).toEqual([]);
      await settleAll(core);
      const job = await core.queue.get(run.jobIds[0]!);
      expect(job).toMatchObject({ status: 'succeeded', artifactClass: 'release', sourceTakeId: keep!.id });
      expect(await localAvailable(core)).toBe(plan.after.local);
      const [release] = (await core.takes.byJob(job.id));
      expect(release).toMatchObject({ artifactClass: 'release', sourceTakeId: keep!.id, checkStatus: 'passed' });
      expect(await core.takePath(release!.id)).toContain('/release/');
      // The release re-render carries no watermark: its check says so.
      expect(release!.checks!.find((c) => c.name === 'watermark')).toMatchObject({ ok: true });
      // The preview is untouched and still a preview.
      expect((await core.takes.get(keep!.id)).artifactClass).toBe('preview');
    });

    it('refuses a release job that claims to re-render a release take (only previews are re-rendered)', async () => {
      const t = await open(engine);
      cleanups.push(t.cleanup);
      const { core } = t;
      await core.queue.start();
      const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'x', artifactClass: 'release' as const };
      const a = await core.queue.submit(submitRequest({ params, projectName: 'Fin' }));
      await settleAll(core);
      const [take] = await core.takes.byJob(a.jobId);
      expect(take!.artifactClass).toBe('release');
      await expect(core.queue.submit(submitRequest({ params: { ...params, seed: 9 }, projectName: 'Fin', sourceTakeId: take!.id }))).rejects.toMatchObject({
        code: 'VALIDATION',
        details: { field: 'sourceTakeId' },
      });
    });
  });

  describeWith(needsOn(engine), `finalize on a plan that forbids release · ${engine}`, () => {
    it('says why and submits nothing', async () => {
      const t = await open(engine);
      cleanups.push(t.cleanup);
      const { core } = t;
      await core.queue.start();
      const a = await core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'free tier' }, projectName: 'Free' }));
      await settleAll(core);
      const [take] = (await core.takes.byJob(a.jobId));
      await core.board.tag([take!.id], 'promising', 'r');
      await core.money.activate('runway-free');
      const plan = await core.finalizer.plan((await core.queue.get(a.jobId)).projectId, { top: 1 });
      expect(plan.canRun).toBe(false);
      expect(plan.refusals.map((r) => r.rule)).toContain('outputs.release_allowed');
      await expect(core.finalizer.run(plan.projectId, [take!.id], 1_000_000)).rejects.toMatchObject({ code: 'POLICY_REFUSED' });
      expect((await core.queue.list()).filter((j) => j.artifactClass === 'release')).toEqual([]);
    });
  });

  // PostgreSQL only: four renders, three stitched sequences and three exports (the longest case here).
  // Its SQLite path runs in cliExport.test.ts (finalize → export through the CLI, publish marks
  // included); the repositories it reads (finals, publish marks, protection) run on both engines in
  // their own suites.
  if (engine === 'postgres') describeWith(needsOn(engine), `the producer path: finalize → stitch → export · ${engine}`, () => {
    it('stitches one final per shot in shot order and exports them with a manifest', { timeout: 120_000 }, async () => {
      const { existsSync, readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const t = await open(engine);
      cleanups.push(t.cleanup);
      const { core } = t;
      await core.queue.start();
      const first = await core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'opening: harbour', audio: false }, projectName: 'Seq', shotName: 'Open' }));
      const second = await core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'closing: lighthouse' }, projectName: 'Seq', shotName: 'Close' }));
      await settleAll(core);
      const projectId = (await core.queue.get(first.jobId)).projectId;
      for (const j of [first, second]) (await core.board.tag((await core.takes.byJob(j.jobId)).map((tk) => tk.id), 'promising', 'producer'));
      // Reorder: Close goes first in the sequence.
      await core.shots.move((await core.queue.get(second.jobId)).shotId, 1);
      const plan = await core.finalizer.plan(projectId, { top: 1 });
      expect(plan.items).toHaveLength(2);
      await core.finalizer.run(projectId, plan.items.map((i) => i.takeId), plan.totalCredits);
      await settleAll(core);
      const finals = await core.finals.finals(projectId);
      expect(finals.map((f) => f.shotPosition).sort()).toEqual([1, 2]);
      const out = join(t.dataDir, 'export-here');
      const result = await core.publisher.export(projectId, out);
      expect(existsSync(result.manifestFile)).toBe(true);
      const manifest = JSON.parse(readFileSync(result.manifestFile, 'utf8')) as { takes: { shotPosition: number; sha256: string }[] };
      expect(manifest.takes.map((x) => x.shotPosition)).toEqual([1, 2]);
      expect(manifest.takes.every((x) => /^[0-9a-f]{64}$/.test(x.sha256))).toBe(true);
      // Exported finals are Published on the board, and retention keeps published releases.
      for (const f of finals) expect(await core.board.publishedAt(f.takeId)).not.toBeNull();
      const { takeProtection } = await import('../../electron/core/takes/takeProtection');
      const published = await takeProtection({ engine: core.engine, board: core.board }).protectedArtifacts(finals.map((f) => f.artifact.id));
      expect([...published.values()].every((why) => why.includes('published'))).toBe(true);
      expect(published.size).toBe(finals.length);

      // Files a person would keep: by shot and take; the names without prompt text.
      expect(manifest.takes.map((x) => (x as unknown as { file: string }).file)).toEqual(['01-close_take-1.mp4', '02-open_take-1.mp4']);

      // Through the contract (the window's and the host's door): a relative folder is refused naming the
      // field; an absolute one is checked and shown first; prompts go in the manifest only when asked.
      const owner = { role: 'owner' as const, door: 'host' as const };
      const relative = await core.dispatch('export.check', { projectId, toDir: 'exports/cut' }, owner);
      expect(relative).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'toDir' } } });
      expect(await core.dispatch('export.run', { projectId, toDir: 'exports/cut' }, owner)).toMatchObject({ ok: false, error: { details: { field: 'toDir' } } });
      const target = join(t.dataDir, 'with-prompts');
      const check = await core.dispatch('export.check', { projectId, toDir: target }, owner);
      expect(check).toEqual({ ok: true, value: { dir: target, isNew: true, files: ['01-close_take-1.mp4', '02-open_take-1.mp4', 'sequence.mp4', 'manifest.json'], clashes: [] } });
      expect(existsSync(target)).toBe(false);
      const clash = await core.dispatch('export.check', { projectId, toDir: out }, owner);
      expect(clash).toMatchObject({ ok: true, value: { isNew: false, clashes: ['01-close_take-1.mp4', '02-open_take-1.mp4', 'sequence.mp4', 'manifest.json'] } });
      const run = await core.dispatch('export.run', { projectId, toDir: target, withPrompts: true }, owner);
      expect(run.ok).toBe(true);
      const kept = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as Record<string, unknown> & { takes: Record<string, unknown>[] };
      expect(kept).toMatchObject({ projectName: 'Seq', hasPrompts: true });
      expect(kept.takes.map((x) => [x.shotName, x.takeNumber, x.prompt, x.checkStatus])).toEqual([
        ['Close', 1, 'closing: lighthouse', 'passed'],
        ['Open', 1, 'opening: harbour', 'passed'],
      ]);
      expect(kept.takes.every((x) => typeof x.seed === 'number' && typeof x.creditsSpent === 'number' && Array.isArray(x.comments))).toBe(true);
      // The owner's answer carries the manifest as written; a producer's leaves the prompts out.
      type Answer = { ok: true; value: CallOutput<'export.run'> };
      expect((run as Answer).value.manifest).toEqual(kept);
      const producer = await core.dispatch('export.run', { projectId, toDir: 'Producer cut', withPrompts: true }, { role: 'producer', door: 'host', author: 'Pat' });
      expect(producer.ok).toBe(true);
      expect((producer as Answer).value.manifest.takes.map((x) => x.shotName)).toEqual(['Close', 'Open']);
      expect(JSON.stringify(producer)).not.toMatch(/harbour|lighthouse/);
      expect(readFileSync(join(t.dataDir, 'exports', 'Producer cut', 'manifest.json'), 'utf8')).toMatch(/harbour/);
      // Without asking, the first export's manifest has no prompt at all.
      expect(JSON.stringify(manifest)).not.toMatch(/harbour|lighthouse/);
    });
  });

  describeWith(needsOn(engine), `finalize without a seed · ${engine}`, () => {
    it('re-renders each shortlisted variation as its own release job', async () => {
      const t = await open(engine);
      cleanups.push(t.cleanup);
      const { core } = t;
      await core.queue.start();
      const a = await core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'no seed given', variations: 2 }, projectName: 'NoSeed' }));
      await settleAll(core);
      const takes = await core.takes.byJob(a.jobId);
      await core.board.tag(takes.map((x) => x.id), 'promising', 'r');
      const projectId = (await core.queue.get(a.jobId)).projectId;
      const plan = await core.finalizer.plan(projectId, { topPercent: 100 });
      expect(plan.items).toHaveLength(2);
      const run = await core.finalizer.run(projectId, plan.items.map((i) => i.takeId), plan.totalCredits);
      await settleAll(core);
      expect(new Set(run.jobIds).size).toBe(2);
      const sources = (await Promise.all(run.jobIds.map((id) => core.queue.get(id)))).map((j) => [j.status, j.cacheOfJobId, j.sourceTakeId]);
      expect(sources).toEqual(expect.arrayContaining([['succeeded', null, takes[0]!.id], ['succeeded', null, takes[1]!.id]]));
    });
  });
}
