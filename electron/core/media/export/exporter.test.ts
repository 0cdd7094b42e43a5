import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dbNeedsOn, ENGINES, suiteCoreOn, testCoreOn } from '../../../../test/support/coreOn';
import { describeWith } from '../../../../test/support/needs';
import { tempDir } from '../../../../test/support/tmp';
import type { Core } from '../../createCore';
import type { PreviewArtifact, ReleaseArtifact } from '../store/artifact';
import { copyHashed, sha256File } from '../store/fileOps';
import type { ExportEntry } from './exporter';
import { MANIFEST_FORMAT, type Manifest } from './manifest';

const isRoot = process.getuid?.() === 0;

/** A real small filesystem (tmpfs) for disk-full and read-only cases; needs root and mount rights. */
function mountTmpfs(dir: string, opts: string): (() => void) | null {
  if (!isRoot || process.platform !== 'linux') return null;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'ignore' });
    return () => execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

// On both engines: the release artifacts' metadata (what the export looks up and verifies) on SQLite or
// PostgreSQL. No ffmpeg here: the "clips" are plain bytes.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `Exporter · ${engine}`, () => {
  const src = tempDir('ct-export-src-');
  const dest = tempDir('ct-export-dest-');
  let core: Core;
  let cleanup: () => Promise<void>;
  let entries: ExportEntry[];
  let preview: PreviewArtifact;
  let sequence: string;
  let projectId: string;

  const file = (name: string, bytes: number, fill: number) => {
    const f = join(src.dir, name);
    writeFileSync(f, Buffer.alloc(bytes, fill));
    return f;
  };

  const NOTE = {
    author: 'ana',
    body: 'Hand glitch',
    atSec: 1.25,
    endSec: 2,
    drawing: { shapes: [{ kind: 'box' as const, from: { x: 0.1, y: 0.1 }, to: { x: 0.4, y: 0.5 }, color: '#ff3b30' }] },
    createdAt: '2026-11-22T09:00:00.000Z',
  };

  beforeAll(async () => {
    ({ core, cleanup } = await suiteCoreOn(engine));
    projectId = (await core.projects.create('Export')).id;
    const r1 = await core.media.putRelease({ projectId, jobId: 'job_exp001', n: 0, fromFile: file('a.mp4', 400_000, 1) });
    const r2 = await core.media.putRelease({ projectId, jobId: 'job_exp002', n: 0, fromFile: file('b.mp4', 300_000, 2) });
    preview = await core.media.putPreview({ projectId, jobId: 'job_exp003', n: 0, fromFile: file('p.mp4', 100, 3) });
    entries = [
      { shotPosition: 2, takeId: 'tk_0000000002', paramsHash: 'ph2', model: 'gen4_turbo', credits: 50, artifact: r2, comments: [NOTE] },
      { shotPosition: 1, takeId: 'tk_0000000001', paramsHash: 'ph1', model: 'gen4_turbo', credits: 25, artifact: r1 },
    ];
    sequence = file('seq.mp4', 200_000, 4);
  });
  afterAll(async () => {
    await cleanup();
    src.cleanup();
    dest.cleanup();
  });

  it('copies the finals and the sequence with a manifest (takes, params hash, model, credits, sha256 of each file)', async () => {
    const to = join(dest.dir, 'ok');
    const r = await core.exporter.exportRelease({ projectId, entries, stitched: { file: sequence }, toDir: to });
    expect(readdirSync(to).sort()).toEqual(['manifest.json', 'sequence.mp4', 'shot-01-tk_0000000001.mp4', 'shot-02-tk_0000000002.mp4']);
    const m = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8')) as Manifest;
    expect(m).toEqual(r.manifest);
    expect(m.format).toBe(MANIFEST_FORMAT);
    expect(m.exportedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(m.takes.map((t) => [t.shotPosition, t.takeId, t.paramsHash, t.model, t.creditsSpent])).toEqual([
      [1, 'tk_0000000001', 'ph1', 'gen4_turbo', 25],
      [2, 'tk_0000000002', 'ph2', 'gen4_turbo', 50],
    ]);
    expect(m.creditsSpent).toBe(75);
    // Review comments travel with their take: timecode, range and the drawing's vectors; none is [].
    expect(m.takes.map((t) => t.comments)).toEqual([[], [NOTE]]);
    for (const t of m.takes) expect(await sha256File(join(to, t.file))).toBe(t.sha256);
    expect(m.sequence).toEqual({ file: 'sequence.mp4', sha256: await sha256File(sequence), sizeBytes: 200_000 });
  });

  it('refuses a preview at runtime and writes nothing', async () => {
    const to = join(dest.dir, 'preview');
    const smuggled = { ...entries[0]!, artifact: preview as unknown as ReleaseArtifact };
    await expect(core.exporter.exportRelease({ projectId, entries: [smuggled], toDir: to })).rejects.toMatchObject({ code: 'POLICY_REFUSED' });
    expect(existsSync(to)).toBe(false);
  });

  it('fails at once with a sentence for a folder under /proc (Linux), where recursive mkdir used to spin forever', async () => {
    if (process.platform !== 'linux') return; // /proc is Linux's; elsewhere there is no such folder to try
    const err = await core.exporter.exportRelease({ projectId, entries, toDir: '/proc/circletake-export/out' }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'IO_FAILED', message: expect.stringMatching(/^Could not create the export folder \/proc\/circletake-export\/out: /) });
  });

  it('never overwrites: a folder with a manifest already is refused, untouched', async () => {
    const to = join(dest.dir, 'taken');
    mkdirSync(to);
    writeFileSync(join(to, 'manifest.json'), '{"mine":true}');
    await expect(core.exporter.exportRelease({ projectId, entries, toDir: to })).rejects.toMatchObject({ code: 'CONFLICT', details: { files: ['manifest.json'] } });
    expect(readdirSync(to)).toEqual(['manifest.json']);
    expect(readFileSync(join(to, 'manifest.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('stops on a stored file that no longer matches its sha256, leaving no partial files', async () => {
    const t = await testCoreOn(engine);
    try {
      const pid = (await t.core.projects.create('Tamper')).id;
      const good = await t.core.media.putRelease({ projectId: pid, jobId: 'job_tamp01', n: 0, fromFile: file('t1.mp4', 1000, 5) });
      const bad = await t.core.media.putRelease({ projectId: pid, jobId: 'job_tamp02', n: 0, fromFile: file('t2.mp4', 1000, 6) });
      writeFileSync(await t.core.media.fileOf(bad), Buffer.alloc(1000, 7));
      const to = join(dest.dir, 'tamper');
      const e = (n: number, a: ReleaseArtifact): ExportEntry => ({ shotPosition: n, takeId: `tk_000000000${n}`, paramsHash: 'p', model: 'm', credits: 1, artifact: a });
      const err = await t.core.exporter.exportRelease({ projectId: pid, entries: [e(1, good), e(2, bad)], toDir: to }).catch((x: unknown) => x);
      expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'checksum', isClean: true } });
      expect((err as Error).message).toContain('Nothing was left in the export folder');
      // The folder the export made is removed again; one that was there stays, emptied of its files.
      expect(existsSync(to)).toBe(false);
      mkdirSync(to);
      await expect(t.core.exporter.exportRelease({ projectId: pid, entries: [e(1, good), e(2, bad)], toDir: to })).rejects.toMatchObject({ code: 'IO_FAILED' });
      expect(readdirSync(to)).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });

  it('says "permission denied" for a folder it cannot write, and leaves nothing', async (ctx) => {
    const parent = join(dest.dir, 'locked');
    mkdirSync(parent);
    let undo: (() => void) | null = null;
    if (isRoot) {
      // root ignores mode bits: use a read-only filesystem instead (EROFS).
      undo = mountTmpfs(parent, 'ro,size=1m');
      if (!undo) return ctx.skip('SKIPPED: running as root without mount rights; cannot make an unwritable folder');
    } else chmodSync(parent, 0o555);
    try {
      const err = await core.exporter.exportRelease({ projectId, entries, toDir: join(parent, 'out') }).catch((x: unknown) => x);
      expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: isRoot ? 'EROFS' : 'EACCES', isClean: true } });
      expect((err as Error).message).toMatch(isRoot ? /read-only drive/ : /permission denied/);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      if (undo) undo();
      else chmodSync(parent, 0o755);
    }
  });

  it('says the disk is full when the drive lacks the space, and leaves nothing', async (ctx) => {
    const small = join(dest.dir, 'small');
    const undo = mountTmpfs(small, 'size=1m');
    if (!undo) return ctx.skip('SKIPPED: disk-full needs a tiny tmpfs (root with mount rights on Linux)');
    try {
      const err = await core.exporter.exportRelease({ projectId, entries, stitched: { file: sequence }, toDir: small }).catch((x: unknown) => x);
      expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'ENOSPC' } });
      expect((err as Error).message).toMatch(/MB free, and the export needs .* MB/);
      expect(readdirSync(small)).toEqual([]);
      // A real ENOSPC in the middle of a copy removes the partial file and says the disk is full.
      const big = file('big.bin', 2 * 1024 * 1024, 9);
      const cerr = await copyHashed(big, join(small, 'big.bin')).catch((x: unknown) => x);
      expect(cerr).toMatchObject({ code: 'IO_FAILED', details: { reason: 'ENOSPC' } });
      expect((cerr as Error).message).toMatch(/the disk is full/);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      undo();
    }
  });
});
