import { existsSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCore } from '../../../../test/support/core';
import { tempDir } from '../../../../test/support/tmp';
import { requireRelease, toDto, type PreviewArtifact, type ReleaseArtifact } from './artifact';
import { sha256File } from './fileOps';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup() {
  const t = testCore();
  cleanups.push(t.cleanup);
  const src = tempDir('ct-src-');
  cleanups.push(src.cleanup);
  const project = t.core.projects.create('Spot');
  const file = (name: string, body: string) => {
    const f = join(src.dir, name);
    writeFileSync(f, body);
    return f;
  };
  return { ...t, project, file, src: src.dir };
}

/** Every file under a folder, relative, skipping nothing. */
function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

describe('MediaStore', () => {
  it('stores a preview at {class}/{project}/{date}/{job}-{n}.mp4 with its sha256, via temp + rename', async () => {
    const { core, project, file, dataDir } = setup();
    const seen: string[] = [];
    core.events.subscribe((name) => seen.push(name));
    const src = file('a.mp4', 'clip A bytes');
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_abc123', n: 0, fromFile: src });
    expect(a.class).toBe('preview');
    expect(a.sha256).toBe(await sha256File(src));
    expect(a.sizeBytes).toBe(12);
    expect(walk(join(dataDir, 'preview'))).toEqual([`${project.id}/2026-11-22/job_abc123-0.mp4`]);
    expect(readFileSync(core.media.fileOf(a), 'utf8')).toBe('clip A bytes');
    expect(walk(join(dataDir, 'preview', '.tmp'))).toEqual([]);
    expect(existsSync(src)).toBe(true); // the caller's file is left alone
    expect(seen).toContain('media.stored');
    expect(core.media.get(a.id)).toEqual(a);
  });

  it('stores identical content once: a second job with the same bytes shares the file', async () => {
    const { core, project, file, dataDir } = setup();
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('a.mp4', 'same') });
    const b = await core.media.putPreview({ projectId: project.id, jobId: 'job_two222', n: 1, fromFile: file('b.mp4', 'same') });
    expect(b.id).not.toBe(a.id);
    expect(b.sha256).toBe(a.sha256);
    expect(core.media.fileOf(b)).toBe(core.media.fileOf(a));
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.'))).toHaveLength(1);
    // …but never across classes: a release is its own file.
    const r = await core.media.putRelease({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('c.mp4', 'same') });
    expect(core.media.fileOf(r)).toContain(join(dataDir, 'release'));
  });

  it('stores the same content once even when two puts race', async () => {
    const { core, project, file, dataDir } = setup();
    const [a, b] = await Promise.all([
      core.media.putPreview({ projectId: project.id, jobId: 'job_race01', n: 0, fromFile: file('a.mp4', 'racing bytes') }),
      core.media.putPreview({ projectId: project.id, jobId: 'job_race02', n: 0, fromFile: file('b.mp4', 'racing bytes') }),
    ]);
    expect(core.media.fileOf(a)).toBe(core.media.fileOf(b));
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.'))).toHaveLength(1);
  });

  it('returns the same artifact for a retried put of the same bytes, and refuses different bytes', async () => {
    const { core, project, file } = setup();
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a.mp4', 'v1') });
    expect(await core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a2.mp4', 'v1') })).toEqual(a);
    await expect(core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('b.mp4', 'v2') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(core.media.fileOf(a), 'utf8')).toBe('v1');
  });

  it('refuses ids that could leave the layout before writing anything', async () => {
    const { core, project, file, dataDir } = setup();
    const src = file('a.mp4', 'x');
    for (const bad of [{ jobId: '../../etc' }, { jobId: 'job_ok/../../x' }, { projectId: 'prj_..' }, { projectId: 'My Spot' }, { n: -1 }, { n: 1.5 }]) {
      await expect(core.media.putPreview({ projectId: project.id, jobId: 'job_fine01', n: 0, fromFile: src, ...bad })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(walk(join(dataDir, 'preview'))).toEqual([]);
  });

  it('names a missing source file and an unknown project, leaving no file behind', async () => {
    const { core, project, file, dataDir, src } = setup();
    await expect(core.media.putPreview({ projectId: project.id, jobId: 'job_none01', n: 0, fromFile: join(src, 'nope.mp4') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(core.media.putPreview({ projectId: 'prj_0000000000unknown', jobId: 'job_none02', n: 0, fromFile: file('a.mp4', 'y') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'projectId' },
    });
    expect(walk(join(dataDir, 'preview')).filter((f) => !f.startsWith('.tmp/'))).toEqual([]);
    expect(walk(join(dataDir, 'preview', '.tmp'))).toEqual([]);
  });

  it('keeps previews and releases apart: by type, and at runtime', async () => {
    const { core, project, file } = setup();
    const p = await core.media.putPreview({ projectId: project.id, jobId: 'job_class1', n: 0, fromFile: file('p.mp4', 'p') });
    const r = await core.media.putRelease({ projectId: project.id, jobId: 'job_class2', n: 0, fromFile: file('r.mp4', 'r') });
    const exportOne = (a: ReleaseArtifact) => a.id;
    expect(exportOne(r)).toBe(r.id);
    const preview: PreviewArtifact = p;
    // @ts-expect-error a preview is not a release artifact
    const smuggled: ReleaseArtifact = preview;
    expect(() => exportOne(requireRelease(smuggled, 'Export'))).toThrow(/is a preview/);
    // @ts-expect-error nor is a hand-built object
    exportOne({ ...toDto(r), class: 'release' as const });
    expect(() => core.media.getRelease(p.id)).toThrow(expect.objectContaining({ code: 'POLICY_REFUSED' }));
    expect(() => requireRelease({ id: 'x', class: 'release ' }, 'Publish')).toThrow(/release artifacts only/);
    expect(core.media.getPreview(p.id).id).toBe(p.id);
    expect(core.media.list(project.id, 'release').map((a) => a.id)).toEqual([r.id]);
  });

  it('resolves media files by id only inside the class root: no traversal, no symlink escape', async () => {
    const { core, project, file, dataDir } = setup();
    const p = await core.media.putPreview({ projectId: project.id, jobId: 'job_serve1', n: 0, fromFile: file('p.mp4', 'served') });
    expect(core.media.resolveFile(p.id)).toMatchObject({ class: 'preview', contentType: 'video/mp4', sizeBytes: 6 });
    expect(core.media.resolveFile(p.id, 'release')).toBeNull();
    expect(core.media.resolveFile('art_unknown0000')).toBeNull();
    // A path in the table that is off the layout is never followed.
    core.db.conn.prepare("UPDATE artifacts SET rel_path = '../../circletake.db' WHERE id = ?").run(p.id);
    expect(core.media.resolveFile(p.id)).toBeNull();
    core.db.conn.prepare('UPDATE artifacts SET rel_path = ? WHERE id = ?').run(`${project.id}/2026-11-22/job_serve1-0.mp4`, p.id);
    // A symlink planted in the store that points outside it is refused.
    const stored = join(dataDir, 'preview', project.id, '2026-11-22', 'job_serve1-0.mp4');
    unlinkSync(stored);
    symlinkSync(join(dataDir, 'circletake.db'), stored);
    expect(core.media.resolveFile(p.id)).toBeNull();
  });

  it('sweeps: the file goes unless another live artifact shares it; metadata stays', async () => {
    const { core, project, file } = setup();
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep1', n: 0, fromFile: file('a.mp4', 'shared') });
    const b = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep2', n: 0, fromFile: file('b.mp4', 'shared') });
    const path = core.media.fileOf(a);
    expect(await core.media.sweep(a.id)).toEqual({ removedFile: false, freedBytes: 0 });
    expect(existsSync(path)).toBe(true);
    expect(() => core.media.fileOf(a)).toThrow(/removed by retention/);
    expect(await core.media.sweep(b.id)).toEqual({ removedFile: true, freedBytes: 6 });
    expect(existsSync(path)).toBe(false);
    expect(core.media.get(b.id).sweptAt).toBe(core.ports.clock.now());
    expect(await core.media.sweep(b.id)).toEqual({ removedFile: false, freedBytes: 0 });
    // New identical content after a sweep gets a fresh file.
    const c = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep3', n: 0, fromFile: file('c.mp4', 'shared') });
    expect(readFileSync(core.media.fileOf(c), 'utf8')).toBe('shared');
  });

  it('keeps artifacts across a restart', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const src = join(t.dir, 'src.mp4');
    writeFileSync(src, 'persist');
    const first = testCore({ dataDir: join(t.dir, 'data') });
    const project = first.core.projects.create('Kept');
    const a = await first.core.media.putRelease({ projectId: project.id, jobId: 'job_keep01', n: 0, fromFile: src });
    await first.core.dispose();
    const second = testCore({ dataDir: join(t.dir, 'data') });
    cleanups.push(second.cleanup);
    expect(second.core.media.getRelease(a.id)).toEqual(a);
  });
});
