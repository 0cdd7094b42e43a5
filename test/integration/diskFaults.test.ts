import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { makeClip } from '../support/clips';
import { FakeClock, testCore } from '../support/core';
import { tempDir } from '../support/tmp';
import { describeWith, ffmpegNeed, linuxNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Disk full and permission denied while storing a take or exporting (issue 8), as real kernel
// errors: a child core runs under a file-size limit (`ulimit -f`, EFBIG: what a full disk does to a
// write mid-file) or as an unprivileged user facing a folder it may not write (EACCES). Each time:
// a clear error, no partial file anywhere, and for a take the job waits to retry — then finishes once
// the fault is gone, charged exactly once. (The exporter's own tmpfs-based ENOSPC/EROFS tests are in
// electron/core/media/export/exporter.test.ts; they need mount rights.)

const isRoot = process.getuid?.() === 0;
const LIMIT_KB = 4096;
const BIG_BYTES = 6 * 1024 * 1024;
const src = tempDir('ct-faults-src-');
chmodSync(src.dir, 0o755);
afterAll(() => src.cleanup());

/** Runs test/faults/faultWorker.ts in a child under the given fault; resolves with its JSON line. */
function worker(env: Record<string, string>, fault: { fsizeKb?: number; asNobody?: boolean }): Promise<Record<string, unknown>> {
  const node = `exec "${process.execPath}" --import tsx test/faults/faultWorker.ts`;
  const cmd = fault.fsizeKb ? ['bash', ['-c', `ulimit -f ${fault.fsizeKb}; ${node}`]] : ['bash', ['-c', node]];
  return new Promise((resolve, reject) => {
    const c = spawn(cmd[0] as string, cmd[1] as string[], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(fault.asNobody && isRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

/** Files a failed write could leave behind. */
function partials(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .filter((f) => /\.part$|\.partial$|\.tmp$/.test(f) || /(^|\/)downloads\/./.test(f) || /(^|\/)\.tmp\/./.test(f));
}

function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) chownSync(join(dir, f), uid, uid);
}

/** A data dir with credits and one import job of a BIG_BYTES clip, made by a normal core. */
async function preparedJob(): Promise<{ dataDir: string; jobId: string; cleanup(): void }> {
  const d = tempDir('ct-faults-data-');
  const t = testCore({ dataDir: d.dir });
  await t.core.ledger.purchase({ id: 'buy-faults', surface: 'api', credits: 5000 });
  const clip = makeClip(src.dir, `big-${Math.random().toString(36).slice(2)}.mp4`, { width: 320, height: 180, durationSec: 1, audio: 'none' });
  appendFileSync(clip, Buffer.alloc(BIG_BYTES, 7)); // trailing bytes: still a readable MP4, now bigger than the limit
  const { jobId } = await t.core.queue.submit(submitRequest({ params: { provider: 'import', model: 'imported', sourceFile: clip, enteredCredits: 25, artifactClass: 'preview' }, projectName: 'Faults' }));
  await t.core.dispose();
  return { dataDir: d.dir, jobId, cleanup: d.cleanup };
}

/** After the fault is gone: a normal core resumes the job; it finishes, charged once. */
async function resume(dataDir: string, jobId: string): Promise<Core> {
  const t = testCore({ dataDir, clock: new FakeClock(Date.parse('2026-11-22T12:00:00Z')) });
  await t.core.queue.start();
  for (let i = 0; i < 1000 && ['queued', 'running'].includes((await t.core.queue.get(jobId)).status); i++) await new Promise((r) => setTimeout(r, 10));
  await t.core.queue.idle();
  await t.core.takeChecks.idle();
  return t.core;
}

async function expectChargedOnce(core: Core, dataDir: string, jobId: string) {
  const job = await core.queue.get(jobId);
  expect(job).toMatchObject({ status: 'succeeded', capturedCredits: 25 });
  expect(await core.takes.byJob(jobId)).toHaveLength(1);
  expect(readdirSync(join(dataDir, 'import-provider')).filter((f) => f.endsWith('.json'))).toHaveLength(1); // one provider task, never re-created
  const rs = (await core.dispatch('credits.reservations', { jobId }, { role: 'owner', door: 'cli' })) as { value: { state: string; captured: number }[] };
  expect(rs.value).toEqual([expect.objectContaining({ state: 'captured', captured: 25 })]);
  expect((await core.ledger.audit()).ok).toBe(true);
  expect(partials(dataDir)).toEqual([]);
  await core.dispose();
}

describeWith([ffmpegNeed, linuxNeed], 'storing a take when the disk fills or the folder is locked', () => {

  it('a write cut short by the file-size limit (EFBIG) leaves no partial file; the job retries and is charged once', { timeout: 90_000 }, async () => {
    const { dataDir, jobId, cleanup } = await preparedJob();
    try {
      const r = await worker({ CT_MODE: 'store', CT_DATA_DIR: dataDir, CT_JOB: jobId }, { fsizeKb: LIMIT_KB });
      expect(r).toMatchObject({ status: 'queued', errorCode: 'IO_FAILED', capturedCredits: null });
      expect(String(r.errorMessage)).toMatch(/^Could not store the output: .*(EFBIG|file too large|larger than this system allows)/);
      expect(partials(dataDir)).toEqual([]);
      await expectChargedOnce(await resume(dataDir, jobId), dataDir, jobId);
    } finally {
      cleanup();
    }
  });

  it('a store folder it may not write (EACCES) says "permission denied", leaves nothing, and the job finishes once it can', { timeout: 90_000 }, async () => {
    const { dataDir, jobId, cleanup } = await preparedJob();
    const preview = join(dataDir, 'preview');
    mkdirSync(preview, { recursive: true });
    try {
      if (isRoot) {
        chownTree(dataDir, 65534); // the worker runs as nobody…
        chownSync(preview, 0, 0); // …and the preview store belongs to root
        chmodSync(preview, 0o755);
      } else chmodSync(preview, 0o555);
      const r = await worker({ CT_MODE: 'store', CT_DATA_DIR: dataDir, CT_JOB: jobId }, { asNobody: true });
      expect(r).toMatchObject({ status: 'queued', errorCode: 'IO_FAILED', capturedCredits: null });
      expect(String(r.errorMessage)).toMatch(/permission denied\. Pick a folder you can write to/);
      expect(partials(dataDir)).toEqual([]);
      if (isRoot) chownTree(dataDir, 0);
      chmodSync(preview, 0o755);
      await expectChargedOnce(await resume(dataDir, jobId), dataDir, jobId);
    } finally {
      cleanup();
    }
  });
});

describeWith(linuxNeed, 'exporting when the disk fills or the folder is locked', () => {
  /** A data dir holding one BIG_BYTES release artifact. */
  async function preparedRelease() {
    const d = tempDir('ct-faults-export-');
    chmodSync(d.dir, 0o755);
    const t = testCore({ dataDir: join(d.dir, 'data') });
    const p = await t.core.projects.create('Export faults');
    const f = join(src.dir, `release-${Math.random().toString(36).slice(2)}.mp4`);
    appendFileSync(f, Buffer.alloc(BIG_BYTES, 5));
    const a = await t.core.media.putRelease({ projectId: p.id, jobId: 'job_fault00001', n: 0, fromFile: f });
    await t.core.dispose();
    return { root: d.dir, dataDir: join(d.dir, 'data'), id: a.id, cleanup: d.cleanup };
  }

  it('a copy cut short (EFBIG) fails with IO_FAILED and leaves the export folder empty', { timeout: 60_000 }, async () => {
    const p = await preparedRelease();
    try {
      const to = join(p.root, 'out');
      const r = await worker({ CT_MODE: 'export', CT_DATA_DIR: p.dataDir, CT_ARTIFACTS: p.id, CT_EXPORT_TO: to }, { fsizeKb: LIMIT_KB });
      expect(r).toMatchObject({ ok: false, error: { code: 'IO_FAILED', details: { reason: 'EFBIG' } } });
      expect((r.error as { message: string }).message).toMatch(/larger than this system allows/);
      expect(existsSync(to) ? readdirSync(to) : []).toEqual([]);
      expect(partials(p.dataDir)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });

  it('a folder it may not write (EACCES) says "permission denied" and creates nothing', { timeout: 60_000 }, async () => {
    const p = await preparedRelease();
    const locked = join(p.root, 'locked');
    mkdirSync(locked);
    try {
      if (isRoot) chownTree(p.dataDir, 65534);
      else chmodSync(locked, 0o555);
      const r = await worker({ CT_MODE: 'export', CT_DATA_DIR: p.dataDir, CT_ARTIFACTS: p.id, CT_EXPORT_TO: join(locked, 'out') }, { asNobody: true });
      expect(r).toMatchObject({ ok: false, error: { code: 'IO_FAILED', details: { reason: 'EACCES' } } });
      expect((r.error as { message: string }).message).toMatch(/permission denied/);
      expect(readdirSync(locked)).toEqual([]);
      expect(statSync(locked).mode & 0o777).toBe(isRoot ? 0o755 : 0o555);
    } finally {
      if (isRoot) chownTree(p.dataDir, 0);
      chmodSync(locked, 0o755);
      p.cleanup();
    }
  });
});
