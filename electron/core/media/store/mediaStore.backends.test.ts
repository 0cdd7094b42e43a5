import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ArtifactClass } from '../../../../shared/money/params';
import { ENGINES, testCoreOn } from '../../../../test/support/coreOn';
import { pgNeed } from '../../../../test/support/engines';
import { describeWith } from '../../../../test/support/needs';
import { startS3, type TestS3 } from '../../../../test/support/s3Server';
import { tempDir } from '../../../../test/support/tmp';
import type { Core } from '../../createCore';
import type { StoredArtifact } from './artifact';
import { sha256File } from './fileOps';

/**
 * The store's behaviour on both backends: the local folders and an S3 bucket (a real s3rver on
 * 127.0.0.1 with the real AWS SDK), each with its metadata on both engines (SQLite, PostgreSQL). The
 * same assertions hold on each; where the layouts differ (paths vs content keys) the test reads through
 * the store's own backend listing.
 */
let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3.close();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

let prefixes = 0;
const CASES = ENGINES.flatMap((engine) => (['local', 's3'] as const).map((kind) => ({ engine, kind })));
for (const { engine, kind } of CASES) describeWith(engine === 'postgres' ? [pgNeed] : [], `MediaStore on the ${kind} backend · ${engine}`, () => {
  /** A core; give `databaseUrl` (PostgreSQL) with `dataDir` to reopen the same store, as a restart does. */
  async function setup(dataDir?: string, prefix = `t${++prefixes}`, databaseUrl?: string | null) {
    const t = await testCoreOn(engine, {
      ...(dataDir ? { dataDir } : {}),
      ...(databaseUrl ? { databaseUrl } : {}),
      config: kind === 's3' ? { storeUrl: s3.url(prefix), storeCredentials: s3.credentials } : {},
    });
    // Closed once: by the test (a restart) or after it (a PostgreSQL pool may be ended only once).
    let closing: Promise<void> | null = null;
    const close = () => (closing ??= t.cleanup());
    cleanups.push(close);
    const src = tempDir('ct-src-');
    cleanups.push(src.cleanup);
    const file = (name: string, body: string | Buffer) => {
      const f = join(src.dir, name);
      writeFileSync(f, body);
      return f;
    };
    return { ...t, close, project: await t.core.projects.create(`Spot ${++prefixes}`), file, prefix };
  }
  const objects = async (core: Core, cls: ArtifactClass) => {
    const keys: string[] = [];
    for await (const o of core.media.backend.list(cls)) keys.push(o.key);
    return keys.sort();
  };
  const bytes = (core: Core, a: StoredArtifact) => core.media.withLocalFile(a, (f) => readFile(f, 'utf8'));

  it('stores a clip with its sha256, readable back through a local file and by streaming out', async () => {
    const { core, project, file, dataDir } = await setup();
    const src = file('a.mp4', 'clip A bytes');
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_abc123', n: 0, fromFile: src });
    expect(a.sha256).toBe(await sha256File(src));
    expect(await bytes(core, a)).toBe('clip A bytes');
    const out = join(dataDir, 'copy.mp4');
    expect(await core.media.copyOut(a, out)).toEqual({ sha256: a.sha256, sizeBytes: 12 });
    expect(readFileSync(out, 'utf8')).toBe('clip A bytes');
    expect(await objects(core, 'preview')).toHaveLength(1);
    if (kind === 's3') {
      expect(await objects(core, 'preview')).toEqual([`${a.sha256}.mp4`]);
      expect(await core.media.locationOf(a)).toBe(`s3://${s3.bucket}/${core.config.storeUrl!.split('/')[3]!.split('?')[0]}/preview/${a.sha256}.mp4`);
    } else {
      expect(await core.media.locationOf(a)).toBe(await core.media.fileOf(a));
    }
  });

  it('stores identical content once per class, even when two puts race', async () => {
    const { core, project, file } = await setup();
    const [a, b] = await Promise.all([
      core.media.putPreview({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('a.mp4', 'same') }),
      core.media.putPreview({ projectId: project.id, jobId: 'job_two222', n: 1, fromFile: file('b.mp4', 'same') }),
    ]);
    expect(b.id).not.toBe(a.id);
    expect(await core.media.locationOf(b)).toBe(await core.media.locationOf(a));
    await core.media.putRelease({ projectId: project.id, jobId: 'job_one111', n: 0, fromFile: file('c.mp4', 'same') });
    expect(await objects(core, 'preview')).toHaveLength(1);
    expect(await objects(core, 'release')).toHaveLength(1);
  });

  it('returns the same artifact for a retried put of the same bytes, and refuses different bytes', async () => {
    const { core, project, file } = await setup();
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a.mp4', 'v1') });
    expect(await core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('a2.mp4', 'v1') })).toEqual(a);
    await expect(core.media.putPreview({ projectId: project.id, jobId: 'job_retry1', n: 2, fromFile: file('b.mp4', 'v2') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await bytes(core, a)).toBe('v1');
    expect(await objects(core, 'preview')).toHaveLength(1);
  });

  it('leaves no object behind when the row cannot be written (unknown project)', async () => {
    const { core, file } = await setup();
    await expect(core.media.putPreview({ projectId: 'prj_0000000000unknown', jobId: 'job_none02', n: 0, fromFile: file('a.mp4', 'y') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'projectId' },
    });
    expect(await objects(core, 'preview')).toEqual([]);
  });

  it('sweeps: the object goes (in a batch) unless a live artifact shares it; metadata stays', async () => {
    const { core, project, file } = await setup();
    const a = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep1', n: 0, fromFile: file('a.mp4', 'shared') });
    const b = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep2', n: 0, fromFile: file('b.mp4', 'shared') });
    const c = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep3', n: 0, fromFile: file('c.mp4', 'other!') });
    expect(await core.media.sweep(a.id)).toEqual({ removedFile: false, freedBytes: 0 });
    expect(await objects(core, 'preview')).toHaveLength(2);
    expect(await bytes(core, b)).toBe('shared');
    await expect(bytes(core, a)).rejects.toThrow(/removed by retention/);
    expect(await core.media.sweepMany([b.id, c.id])).toMatchObject({ swept: [b.id, c.id], removed: [b.id, c.id], freedBytes: 12, failedDeletes: 0 });
    expect(await objects(core, 'preview')).toEqual([]);
    expect((await core.media.get(b.id)).sweptAt).toBe(core.ports.clock.now());
    expect(await core.media.sweep(b.id)).toEqual({ removedFile: false, freedBytes: 0 });
    const d = await core.media.putPreview({ projectId: project.id, jobId: 'job_sweep4', n: 0, fromFile: file('d.mp4', 'shared') });
    expect(await bytes(core, d)).toBe('shared');
  });

  it('serves a clip by id with byte ranges, only within the class asked for', async () => {
    const { core, project, file } = await setup();
    const p = await core.media.putPreview({ projectId: project.id, jobId: 'job_serve1', n: 0, fromFile: file('p.mp4', 'served-bytes') });
    const r = await core.media.putRelease({ projectId: project.id, jobId: 'job_serve2', n: 0, fromFile: file('r.mp4', 'release-bytes') });
    expect(await core.resolveMedia(r.id, 'preview')).toBeNull();
    expect(await core.resolveMedia(p.id, 'release')).toBeNull();
    const m = await core.resolveMedia(p.id, 'preview');
    expect(m).toMatchObject({ class: 'preview', contentType: 'video/mp4', sizeBytes: 12 });
    if (kind === 's3') {
      expect(m && 'object' in m).toBe(true);
      if (m && 'object' in m) expect(Buffer.concat(await (await m.object({ start: 2, end: 7 })).toArray()).toString()).toBe('rved-b');
    } else {
      expect(m && 'file' in m).toBe(true);
    }
  });

  it('keeps artifacts and their bytes across a restart', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = await setup(join(t.dir, 'data'), `restart-${engine}`);
    const a = await first.core.media.putRelease({ projectId: first.project.id, jobId: 'job_keep01', n: 0, fromFile: first.file('a.mp4', 'persist') });
    await first.close();
    const second = await setup(join(t.dir, 'data'), `restart-${engine}`, first.databaseUrl);
    expect(await second.core.media.getRelease(a.id)).toEqual(a);
    expect(await bytes(second.core, a)).toBe('persist');
  });
});
