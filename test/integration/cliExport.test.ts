import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/nodePorts';
import { testCore, settleAll } from '../support/core';
import { describeWith, ffmpegNeed } from '../support/needs';
import { tempDir } from '../support/tmp';
import { submitRequest } from '../support/parsed';

// Issue 14 item 1: `circletake export` and `stitch` go through core.dispatch (export.run, stitch.run, as the owner) and keep
// its --json fields; Ctrl-C during an export (SIGINT to the process group, as a terminal sends it, so
// ffmpeg gets it too) stops it with nothing half written: no export folder, no staging folder, no
// temporary sequence, nothing marked Published.

const t = tempDir('ct-cli-export-');
afterAll(() => t.cleanup());
const cliArgs = (...args: string[]) => ['bin/circletake.js', ...args, '--data-dir', t.dir];

/** Every file and folder under dir, relative, hidden ones included. */
function listAll(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

// Interrupted at the first progress line short of 100 %: a line saying 100 % comes when the work is done,
// and a Ctrl-C then finds nothing to stop (a clean-clone run once got "stitching 100 %" as its first line).
const exportProcess = (to: string, interrupt: boolean) => cliProcess(['export', '--project', 'Cut', '--to', to, '--json'], interrupt ? /exporting \d{1,2} %/ : null);

/** Runs circletake in its own process group; SIGINTs the group at the first stderr line matching `interruptAt`. */
function cliProcess(args: string[], interruptAt: RegExp | null): Promise<{ code: number | null; stdout: string; stderr: string; wasInterrupted: boolean }> {
  const child = spawn(process.execPath, cliArgs(...args), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let wasInterrupted = false;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (interruptAt && !wasInterrupted && interruptAt.test(stderr)) {
      wasInterrupted = true;
      process.kill(-child.pid!, 'SIGINT');
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, wasInterrupted })));
}

describeWith(ffmpegNeed, 'circletake export through the contract', () => {
  let takeIds: string[] = [];
  beforeAll(async () => {
    const { core } = testCore({ dataDir: t.dir, clock: systemClock, config: { pollIntervalMs: { local: 20 } } });
    try {
      await core.queue.start();
      // 5 s takes: long enough that the export and the stitch are still at work when the Ctrl-C lands.
      const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 5, ratio: '1280:720' };
      const a = await core.queue.submit(submitRequest({ params: { ...params, prompt: 'opening: a harbour at dawn' }, projectName: 'Cut', shotName: 'Open' }));
      const b = await core.queue.submit(submitRequest({ params: { ...params, prompt: 'closing: the lighthouse' }, projectName: 'Cut', shotName: 'Close' }));
      await settleAll(core);
      for (const j of [a, b]) (await core.board.tag((await core.takes.byJob(j.jobId)).map((tk) => tk.id), 'promising', 'producer'));
      const projectId = (await core.queue.get(a.jobId)).projectId;
      const plan = await core.finalizer.plan(projectId, { top: 1 });
      await core.finalizer.run(projectId, plan.items.map((i) => i.takeId), plan.totalCredits);
      await settleAll(core);
      takeIds = (await core.finals.finals(projectId)).map((f) => f.takeId);
      expect(takeIds).toHaveLength(2);
    } finally {
      await core.dispose();
    }
  }, 120_000);

  const published = async () => {
    const { core, cleanup } = testCore({ dataDir: t.dir });
    let n = 0;
    for (const id of takeIds) if ((await core.board.publishedAt(id)) !== null) n++;
    await cleanup();
    return n;
  };

  it('stops on Ctrl-C with nothing half written, then exports whole, printing its fixed --json fields', { timeout: 120_000 }, async () => {
    const to = join(t.dir, 'delivery', 'spot');
    const stopped = await exportProcess(to, true);
    expect(stopped.wasInterrupted, stopped.stderr).toBe(true);
    expect(stopped.code, stopped.stderr).toBe(1);
    expect(stopped.stdout, stopped.stderr).not.toBe('');
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(stopped.stderr).toContain('circletake: stopping; removing what was half written');
    expect(stopped.stderr).toMatch(/circletake: .*cancelled/i);
    expect(existsSync(to)).toBe(false);
    expect(listAll(join(t.dir, 'delivery'))).toEqual([]);
    expect(listAll(join(t.dir, 'tmp', 'export'))).toEqual([]);
    expect(await published()).toBe(0);

    const whole = await exportProcess(to, false);
    expect(whole.code, whole.stderr).toBe(0);
    const out = JSON.parse(whole.stdout) as Record<string, unknown> & { dir: string; manifestFile: string; manifest: { takes: { file: string; takeId: string }[]; sequence: { file: string } } };
    expect(Object.keys(out).slice(0, 3)).toEqual(['dir', 'manifestFile', 'manifest']);
    expect(out.dir).toBe(to);
    expect(out.manifestFile).toBe(join(to, 'manifest.json'));
    expect(JSON.parse(readFileSync(out.manifestFile, 'utf8'))).toEqual(out.manifest);
    expect(out.manifest.takes.map((x) => x.takeId).sort()).toEqual([...takeIds].sort());
    expect(listAll(to)).toEqual([...out.manifest.takes.map((x) => x.file), out.manifest.sequence.file, 'manifest.json'].sort());
    expect(listAll(join(t.dir, 'tmp', 'export'))).toEqual([]);
    expect(await published()).toBe(2);
  });

  it('`call export.run` stops on Ctrl-C as cleanly (SIGINT once the sequence is being made)', { timeout: 120_000 }, async () => {
    const to = join(t.dir, 'by-call');
    const { core, cleanup } = testCore({ dataDir: t.dir });
    const projectId = (await core.projects.list()).find((p) => p.name === 'Cut')!.id;
    await cleanup();
    const child = spawn(process.execPath, cliArgs('call', 'export.run', '--input', JSON.stringify({ projectId, toDir: to })), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const work = join(t.dir, 'tmp', 'export');
    let isSent = false;
    for (let i = 0; i < 3000 && !isSent && child.exitCode === null; i++) {
      if (listAll(work).some((f) => f.startsWith('ct-sequence-'))) {
        process.kill(-child.pid!, 'SIGINT');
        isSent = true;
      } else await new Promise((r) => setTimeout(r, 10));
    }
    const code = await closed;
    expect(isSent, stderr).toBe(true);
    expect(code, stderr).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(existsSync(to)).toBe(false);
    expect(listAll(work)).toEqual([]);
  });

  it('stitch goes through stitch.run: Ctrl-C leaves no file, then the sequence whole with its fixed --json fields', { timeout: 120_000 }, async () => {
    const out = join(t.dir, 'cuts', 'spot.mp4');
    mkdirSync(join(t.dir, 'cuts'));
    const stopped = await cliProcess(['stitch', '--project', 'Cut', '--out', out, '--json'], /stitching \d{1,2} %/);
    expect(stopped.wasInterrupted, stopped.stderr).toBe(true);
    expect(stopped.code, stopped.stderr).toBe(1);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(listAll(join(t.dir, 'cuts'))).toEqual([]);

    const whole = await cliProcess(['stitch', '--project', 'Cut', '--out', out, '--json'], null);
    expect(whole.code, whole.stderr).toBe(0);
    const r = JSON.parse(whole.stdout) as { outFile: string; sha256: string; sizeBytes: number; durationSec: number; target: object };
    expect(Object.keys(r)).toEqual(['outFile', 'durationSec', 'sha256', 'sizeBytes', 'target']);
    expect(r.outFile).toBe(out);
    expect(statSync(out).size).toBe(r.sizeBytes);
    expect(r.durationSec).toBeGreaterThan(3);
    expect(listAll(join(t.dir, 'cuts'))).toEqual(['spot.mp4']);
    // The same file again is a conflict (exit 1) unless --overwrite; a stitch of an unknown project id is NOT_FOUND.
    expect((await cliProcess(['stitch', '--project', 'Cut', '--out', out], null)).code).toBe(1);
    const bad = spawnSync(process.execPath, cliArgs('call', 'stitch.run', '--input', JSON.stringify({ projectId: 'prj_0000000000nope', outFile: out })), { encoding: 'utf8' });
    expect([bad.status, JSON.parse(bad.stdout).error.code]).toEqual([3, 'NOT_FOUND']);
  });

  it('answers a relative --to from the shell folder and bad flags in one line, as before', async () => {
    const bad = spawnSync(process.execPath, cliArgs('export', '--project', 'Cut', '--to', join(t.dir, 'x'), '--crossfade', '9'), { encoding: 'utf8' });
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'circletake: --crossfade must be seconds from 0 to 5 (got "9")']);
    const none = spawnSync(process.execPath, cliArgs('export', '--project', 'Nope', '--to', 'rel'), { encoding: 'utf8', cwd: process.cwd() });
    expect(none.status).toBe(3);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
