import { existsSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ENGINES, testCoreOn } from '../../../../test/support/coreOn';
import { describeEachEngine, pgNeed } from '../../../../test/support/engines';
import { describeWith } from '../../../../test/support/needs';
import { mediaOnEngine } from '../../../../test/support/mediaOnEngine';
import { tempDir } from '../../../../test/support/tmp';
import { requireRelease, toDto, type PreviewArtifact, type ReleaseArtifact } from './artifact';
import { sha256File } from './fileOps';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Every file under a folder, relative, skipping nothing. */
function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

describeEachEngine('MediaStore', (open) => {
  async function setup() {
    const m = await mediaOnEngine(await open());
    cleanups.push(m.cleanup);
    return m;
  }

  it('stores a preview at {class}/{project}/{date}/{job}-{n}.mp4 with its sha256, via temp + rename', async () => {
    const { media, project, file, dataDir, seen } = await setup();
    const src = file('a.mp4', 'clip A bytes');
    const a = await media.putPreview({ projectId: project.id, jobId: 'job_abc123', n: 0, fromFile: src });
    expect(a.class).toBe('preview');
    expect(a.sha256).toBe(await sha256File(src));
    expect(a.sizeBytes).toBe(12);
    expect(walk(join(dataDir, 'preview'))).toEqual([`${project.id}/2026-11-22/job_abc123-0.mp4`]);
    expect(readFileSync(await media.fileOf(a), 'utf8')).toBe('clip A bytes');
    expect(walk(join(dataDir, 'preview', '.tmp'))).toEqual([]);
    expect(existsSync(src)).toBe(true); // the caller's file is left alone
    expect(seen).toContain('media.stored');
    expect(await media.get(a.id)).toEqual(a);
  });

  it('stores identical content once: a second job with the same bytes shares the file', async () => {
    const { media, project, file, dataDir } = await setup();
    const a = await media.putPreview({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('a.mp4', 'same') });
    const b = await media.putPreview({ projectId: project.id, jobId: 'job_two222', n: 1, fromFile: file('b.mp4', 'same') });
    expect(b.id).not.toBe(a.id);
    expect(b.sha256).toBe(a.sha256);
    expect(await media.fileOf(b)).toBe(await media.fileOf(a));
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.'))).toHaveLength(1);
    // …but never across classes: a release is its own file.
    const r = await media.putRelease({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('c.mp4', 'same') });
    expect(await media.fileOf(r)).toContain(join(dataDir, 'release'));
  });

  it('stores the same content once even when two puts race', async () => {
    const { media, project, file, dataDir } = await setup();
    const [a, b] = await Promise.all([
      media.putPreview({ projectId: project.id, jobId: 'job_race01', n: 0, fromFile: file('a.mp4', 'racing bytes') }),
      media.putPreview({ projectId: project.id, jobId: 'job_race02', n: 0, fromFile: file('b.mp4', 'racing bytes') }),
    ]);
    expect(await media.fileOf(a)).toBe(await media.fileOf(b));
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.'))).toHaveLength(1);
  });

  it('returns the same artifact for a retried put of the same bytes, and refuses different bytes', async () => {
    const { media, project, file } = await setup();
    const a = await media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a.mp4', 'v1') });
    expect(await media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a2.mp4', 'v1') })).toEqual(a);
    await expect(media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('b.mp4', 'v2') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(await media.fileOf(a), 'utf8')).toBe('v1');
  });

  it('two puts of one (class, job, n) racing with the same bytes: one row, both get it', async () => {
    const { media, engine, project, file } = await setup();
    const [a, b] = await Promise.all([
      media.putPreview({ projectId: project.id, jobId: 'job_twice1', n: 0, fromFile: file('a.mp4', 'twice') }),
      media.putPreview({ projectId: project.id, jobId: 'job_twice1', n: 0, fromFile: file('b.mp4', 'twice') }),
    ]);
    expect(b).toEqual(a);
    expect(await engine.all('SELECT id FROM artifacts WHERE job_id = ?', ['job_twice1'])).toEqual([{ id: a.id }]);
  });

  it('refuses ids that could leave the layout before writing anything', async () => {
    const { media, project, file, dataDir } = await setup();
    const src = file('a.mp4', 'x');
    for (const bad of [{ jobId: '../../etc' }, { jobId: 'job_ok/../../x' }, { projectId: 'prj_..' }, { projectId: 'My Spot' }, { n: -1 }, { n: 1.5 }]) {
      await expect(media.putPreview({ projectId: project.id, jobId: 'job_fine01', n: 0, fromFile: src, ...bad })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(walk(join(dataDir, 'preview'))).toEqual([]);
  });

  it('names a missing source file and an unknown project, leaving no file behind', async () => {
    const { media, project, file, dataDir, src } = await setup();
    await expect(media.putPreview({ projectId: project.id, jobId: 'job_none01', n: 0, fromFile: join(src, 'nope.mp4') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(media.putPreview({ projectId: 'prj_0000000000unknown', jobId: 'job_none02', n: 0, fromFile: file('a.mp4', 'y') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'projectId' },
    });
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.tmp/'))).toEqual([]);
    expect(walk(join(dataDir, 'preview', '.tmp'))).toEqual([]);
  });

  it('keeps previews and releases apart: by type, and at runtime', async () => {
    const { media, project, file } = await setup();
    const p = await media.putPreview({ projectId: project.id, jobId: 'job_class1', n: 0, fromFile: file('p.mp4', 'p') });
    const r = await media.putRelease({ projectId: project.id, jobId: 'job_class2', n: 0, fromFile: file('r.mp4', 'r') });
    const exportOne = (a: ReleaseArtifact) => a.id;
    expect(exportOne(r)).toBe(r.id);
    const preview: PreviewArtifact = p;
    // @ts-expect-error a preview is not a release artifact
    const smuggled: ReleaseArtifact = preview;
    expect(() => exportOne(requireRelease(smuggled, 'Export'))).toThrow(/is a preview/);
    // @ts-expect-error nor is a hand-built object
    exportOne({ ...toDto(r), class: 'release' as const });
    await expect(media.getRelease(p.id)).rejects.toMatchObject({ code: 'POLICY_REFUSED' });
    await expect(media.getPreview(r.id)).rejects.toMatchObject({ code: 'POLICY_REFUSED' });
    expect(() => requireRelease({ id: 'x', class: 'release ' }, 'Publish')).toThrow(/release artifacts only/);
    expect((await media.getPreview(p.id)).id).toBe(p.id);
    expect((await media.list(project.id, 'release')).map((a) => a.id)).toEqual([r.id]);
    expect((await media.list(project.id)).map((a) => a.id)).toEqual([p.id, r.id]); // same time: in the order written
    await expect(media.get('art_unknown0000')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
  });

  it('resolves media files by id only inside the class root: no traversal, no symlink escape', async () => {
    const { media, engine, project, file, dataDir } = await setup();
    const p = await media.putPreview({ projectId: project.id, jobId: 'job_serve1', n: 0, fromFile: file('p.mp4', 'served') });
    expect(await media.resolveFile(p.id)).toMatchObject({ class: 'preview', contentType: 'video/mp4', sizeBytes: 6 });
    expect(await media.resolveFile(p.id, 'release')).toBeNull();
    expect(await media.resolveFile('art_unknown0000')).toBeNull();
    expect(await media.resolveObject(p.id)).toBeNull(); // a clip in the folders is never an object
    // A path in the table that is off the layout is never followed.
    await engine.tx((q) => q.run("UPDATE artifacts SET rel_path = '../../circletake.db' WHERE id = ?", [p.id]));
    expect(await media.resolveFile(p.id)).toBeNull();
    await engine.tx((q) => q.run('UPDATE artifacts SET rel_path = ? WHERE id = ?', [`${project.id}/2026-11-22/job_serve1-0.mp4`, p.id]));
    // A symlink planted in the store that points outside it is refused.
    const stored = join(dataDir, 'preview', project.id, '2026-11-22', 'job_serve1-0.mp4');
    unlinkSync(stored);
    writeFileSync(join(dataDir, 'outside.bin'), 'secret');
    symlinkSync(join(dataDir, 'outside.bin'), stored);
    expect(await media.resolveFile(p.id)).toBeNull();
  });

  it('sweeps: the file goes unless another live artifact shares it; metadata stays', async () => {
    const { media, project, file, clock } = await setup();
    const a = await media.putPreview({ projectId: project.id, jobId: 'job_sweep1', n: 0, fromFile: file('a.mp4', 'shared') });
    const b = await media.putPreview({ projectId: project.id, jobId: 'job_sweep2', n: 0, fromFile: file('b.mp4', 'shared') });
    const path = await media.fileOf(a);
    expect(await media.sweep(a.id)).toEqual({ removedFile: false, freedBytes: 0 });
    expect(existsSync(path)).toBe(true);
    await expect(media.fileOf(a)).rejects.toThrow(/removed by retention/);
    expect(await media.resolveFile(a.id)).toBeNull();
    expect(await media.sweep(b.id)).toEqual({ removedFile: true, freedBytes: 6 });
    expect(existsSync(path)).toBe(false);
    expect((await media.get(b.id)).sweptAt).toBe(clock.now());
    expect(await media.sweep(b.id)).toEqual({ removedFile: false, freedBytes: 0 });
    await expect(media.sweep('art_unknown0000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // New identical content after a sweep gets a fresh file.
    const c = await media.putPreview({ projectId: project.id, jobId: 'job_sweep3', n: 0, fromFile: file('c.mp4', 'shared') });
    expect(readFileSync(await media.fileOf(c), 'utf8')).toBe('shared');
  });

  it("lists retention's candidates oldest first, live ones of a class only", async () => {
    const { media, project, file, clock } = await setup();
    const old = await media.putPreview({ projectId: project.id, jobId: 'job_age001', n: 0, fromFile: file('a.mp4', 'old') });
    clock.advance(1000);
    const older = await media.putPreview({ projectId: project.id, jobId: 'job_age002', n: 0, fromFile: file('b.mp4', 'middle') });
    await media.putRelease({ projectId: project.id, jobId: 'job_age003', n: 0, fromFile: file('c.mp4', 'release') });
    clock.advance(1000);
    await media.putPreview({ projectId: project.id, jobId: 'job_age004', n: 0, fromFile: file('d.mp4', 'young') });
    expect((await media.liveOlderThan('preview', clock.now())).map((a) => a.id)).toEqual([old.id, older.id]);
    await media.sweepMany([old.id]);
    expect((await media.liveOlderThan('preview', clock.now())).map((a) => a.id)).toEqual([older.id]);
    expect((await media.liveOlderThan('release', clock.now())).map((a) => a.class)).toEqual(['release']);
  });

  it('keeps artifacts for the next store over the same database', async () => {
    const { media, project, file, reopen } = await setup();
    const a = await media.putRelease({ projectId: project.id, jobId: 'job_keep01', n: 0, fromFile: file('a.mp4', 'persist') });
    const again = reopen();
    expect(await again.getRelease(a.id)).toEqual(a);
    expect(readFileSync(await again.fileOf(a), 'utf8')).toBe('persist');
  });
});

// A restart opens a second core on the same data dir (SQLite) or the same studio database (PostgreSQL).
for (const engine of ENGINES) describeWith(engine === 'postgres' ? [pgNeed] : [], `MediaStore in the core · ${engine}`, () => {
  it('keeps artifacts across a restart', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const src = join(t.dir, 'src.mp4');
    writeFileSync(src, 'persist');
    const first = await testCoreOn(engine, { dataDir: join(t.dir, 'data') });
    const project = await first.core.projects.create('Kept');
    const a = await first.core.media.putRelease({ projectId: project.id, jobId: 'job_keep01', n: 0, fromFile: src });
    await first.core.dispose();
    const second = await testCoreOn(engine, { dataDir: join(t.dir, 'data'), ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) });
    cleanups.push(second.cleanup);
    expect(await second.core.media.getRelease(a.id)).toEqual(a);
  });
});
