import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCore } from '../../../../test/support/core';
import { startS3, type TestS3 } from '../../../../test/support/s3Server';
import { tempDir } from '../../../../test/support/tmp';
import type { Core } from '../../createCore';
import { sha256File } from '../store/fileOps';
import type { Manifest } from './manifest';

/**
 * Export from clips kept on S3 (a real s3rver, the real SDK) writes the same folder and manifest as
 * from the local folders; a clip changed in the bucket behind the app's back is refused and the
 * export folder is left empty.
 */
let s3: TestS3;
const work = tempDir('ct-export-s3-');
const cores: { core: Core; cleanup: () => Promise<void> }[] = [];
beforeAll(async () => {
  s3 = await startS3('circletake-export');
});
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  await s3.close();
  work.cleanup();
});

function clip(name: string, bytes: number, fill: number): string {
  const f = join(work.dir, name);
  writeFileSync(f, Buffer.alloc(bytes, fill));
  return f;
}

async function exportFrom(kind: 'local' | 's3', toDir: string) {
  const t = testCore({ config: kind === 's3' ? { storeUrl: s3.url(`exp-${kind}`), storeCredentials: s3.credentials } : {} });
  cores.push(t);
  const projectId = (await t.core.projects.create('Export')).id;
  const r1 = await t.core.media.putRelease({ projectId, jobId: 'job_exp001', n: 0, fromFile: clip(`${kind}-a.mp4`, 400_000, 1) });
  const r2 = await t.core.media.putRelease({ projectId, jobId: 'job_exp002', n: 0, fromFile: clip(`${kind}-b.mp4`, 300_000, 2) });
  const entries = [
    { shotPosition: 2, takeId: 'tk_0000000002', paramsHash: 'ph2', model: 'gen4_turbo', credits: 50, artifact: r2 },
    { shotPosition: 1, takeId: 'tk_0000000001', paramsHash: 'ph1', model: 'gen4_turbo', credits: 25, artifact: r1 },
  ];
  const out = await t.core.exporter.exportRelease({ projectId, entries, toDir });
  return { core: t.core, out, entries, projectId };
}

describe('export from S3 sources', () => {
  it('writes the same files and manifest as from the local folders', async () => {
    const local = await exportFrom('local', join(work.dir, 'out-local'));
    const remote = await exportFrom('s3', join(work.dir, 'out-s3'));
    const names = readdirSync(join(work.dir, 'out-s3')).sort();
    expect(names).toEqual(readdirSync(join(work.dir, 'out-local')).sort());
    const strip = (m: Manifest) => JSON.parse(JSON.stringify(m).replaceAll(/art_[0-9a-z]+/g, 'art_x').replaceAll(/prj_[0-9a-z]+/g, 'prj_x')) as unknown;
    expect(strip(remote.out.manifest)).toEqual(strip(local.out.manifest));
    for (const t of remote.out.manifest.takes) expect(await sha256File(join(work.dir, 'out-s3', t.file))).toBe(t.sha256);
    expect(JSON.parse(readFileSync(remote.out.manifestFile, 'utf8'))).toEqual(remote.out.manifest);
  });

  it('refuses a clip whose object changed in the bucket, leaving nothing in the export folder', async () => {
    const { core, entries, projectId } = await exportFrom('s3', join(work.dir, 'out-first'));
    const victim = entries[0]!.artifact;
    await s3.raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `exp-s3/release/${victim.sha256}.mp4`, Body: Buffer.alloc(300_000, 9) }));
    const dir = join(work.dir, 'out-tampered');
    const err = await core.exporter.exportRelease({ projectId, entries, toDir: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'checksum', isClean: true } });
    expect(String((err as Error).message)).toMatch(/no longer matches its recorded sha256.*Nothing was left in the export folder/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});
