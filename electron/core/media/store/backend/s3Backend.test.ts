import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testCore } from '../../../../../test/support/core';
import { startS3, type TestS3 } from '../../../../../test/support/s3Server';
import { tempDir } from '../../../../../test/support/tmp';
import { S3Backend } from './s3Backend';
import { parseStoreUrl, type S3StoreConfig } from './storeUrl';

/**
 * Faults against a real s3rver (via a TCP proxy that can be cut) with the real SDK: each gives one
 * IO_FAILED naming the bucket, the cause and the setting to change, and leaves no object and no row.
 */
let s3: TestS3;
const src = tempDir('ct-s3src-');
beforeAll(async () => {
  s3 = await startS3('circletake-faults');
});
afterAll(async () => {
  await s3.close();
  src.cleanup();
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  s3.setDown(false);
  for (const c of cleanups.splice(0)) await c();
});

let n = 0;
function file(body: string | Buffer): string {
  const f = join(src.dir, `f${++n}.mp4`);
  writeFileSync(f, body);
  return f;
}
const cfg = (url: string) => parseStoreUrl(url) as S3StoreConfig;
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const exists = (key: string) =>
  s3.raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
    () => true,
    () => false,
  );

async function core(url: string, credentials = s3.credentials) {
  const t = testCore({ config: { storeUrl: url, storeCredentials: credentials } });
  cleanups.push(t.cleanup);
  return { core: t.core, dataDir: t.dataDir, project: await t.core.projects.create('Faults') };
}

describe('S3 backend', () => {
  it('uploads large files in parts with SHA256 checksums, keyed by content, sha256 kept as metadata', async () => {
    const backend = new S3Backend(cfg(s3.url('multi')), { credentials: s3.credentials, multipartFromBytes: 1024 * 1024 });
    cleanups.push(() => backend.dispose());
    const body = Buffer.alloc(17 * 1024 * 1024 + 3, 7);
    const staged = await backend.stage('release', file(body));
    expect(staged).toMatchObject({ sha256: sha(body), sizeBytes: body.length });
    await staged.commit(`${staged.sha256}.mp4`, 'video/mp4');
    const got = await s3.raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `multi/release/${staged.sha256}.mp4` }));
    expect(got.Metadata).toEqual({ sha256: staged.sha256 });
    expect(sha(Buffer.from(await got.Body!.transformToByteArray()))).toBe(staged.sha256);
  });

  it('cuts the upload when the bytes no longer match their sha256: nothing under the key (single and multipart)', async () => {
    for (const [label, size, from] of [['single', 4096, undefined], ['multipart', 12 * 1024 * 1024, 1024 * 1024]] as const) {
      const backend = new S3Backend(cfg(s3.url(`mismatch-${label}`)), { credentials: s3.credentials, ...(from ? { multipartFromBytes: from } : {}) });
      cleanups.push(() => backend.dispose());
      const f = file(Buffer.alloc(size, 1));
      const staged = await backend.stage('preview', f);
      writeFileSync(f, Buffer.alloc(size, 2)); // same size, other bytes, between hash and upload
      const err = await staged.commit(`${staged.sha256}.mp4`, 'video/mp4').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'checksum', setting: 'CIRCLETAKE_STORE_URL', bucket: s3.bucket } });
      expect(String((err as Error).message)).toMatch(/nothing was stored/);
      expect(await exists(`mismatch-${label}/preview/${staged.sha256}.mp4`)).toBe(false);
    }
  });

  it('an unreachable store: a clear error naming the setting, no row, no object', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((ok) => closed.close(() => ok())); // nothing listens there now
    const { core: c, project } = await core(s3.url('down', { endpoint: `http://127.0.0.1:${port}` }));
    const err = await c.media.putPreview({ projectId: project.id, jobId: 'job_down01', n: 0, fromFile: file('x') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'unreachable', setting: 'CIRCLETAKE_STORE_URL' } });
    expect(String((err as Error).message)).toMatch(/cannot be reached.*CIRCLETAKE_STORE_URL/);
    expect(await c.media.list(project.id)).toEqual([]);
    expect(await exists(`down/preview/${sha('x')}.mp4`)).toBe(false);
  });

  it('a wrong bucket: names the bucket and the way out, no row', async () => {
    const { core: c, project } = await core(s3.url('p', { bucket: 'no-such-bucket' }));
    const err = await c.media.putPreview({ projectId: project.id, jobId: 'job_nobkt1', n: 0, fromFile: file('y') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'no-bucket', bucket: 'no-such-bucket' } });
    expect(String((err as Error).message)).toMatch(/"no-such-bucket".*does not exist\. Create it, or fix the bucket name in CIRCLETAKE_STORE_URL/);
    expect(await c.media.list(project.id)).toEqual([]);
  });

  it('bad credentials: names the credential settings, never their values, no row', async () => {
    const secret = 'not-the-secret-9f8e7d6c5b4a';
    const { core: c, project } = await core(s3.url('creds'), { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: secret });
    const err = await c.media.putPreview({ projectId: project.id, jobId: 'job_creds1', n: 0, fromFile: file('z') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'credentials', setting: 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' } });
    expect(JSON.stringify({ m: (err as Error).message, d: (err as { details: unknown }).details })).not.toMatch(/AKIAWRONG|not-the-secret/);
    expect(await c.media.list(project.id)).toEqual([]);
  });

  it('an object changed in the bucket behind our back is never used: the cache refuses it and keeps nothing', async () => {
    const { core: c, project, dataDir } = await core(s3.url('tamper'));
    const a = await c.media.putRelease({ projectId: project.id, jobId: 'job_tamp01', n: 0, fromFile: file('original bytes') });
    await s3.raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `tamper/release/${a.sha256}.mp4`, Body: 'tampered bytes' }));
    const err = await c.media.withLocalFile(a, () => Promise.resolve('used')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { reason: 'checksum' } });
    expect(readdirSync(join(dataDir, 'cache', 'objects'))).toEqual([]);
    const out = join(src.dir, 'export-copy.mp4');
    const copied = await c.media.copyOut(a, out);
    expect(copied.sha256).not.toBe(a.sha256); // copyOut reports what it read; the exporter compares (exporter.test)
  });

  it('a failed delete is retried by the next sweep, not forgotten', async () => {
    const { core: c, project } = await core(s3.url('retry'));
    const a = await c.media.putPreview({ projectId: project.id, jobId: 'job_retr01', n: 0, fromFile: file('to be swept') });
    s3.setDown(true);
    expect(await c.media.sweepMany([a.id])).toMatchObject({ swept: [a.id], removed: [], failedDeletes: 1 });
    s3.setDown(false);
    expect(await exists(`retry/preview/${a.sha256}.mp4`)).toBe(true);
    expect(await c.media.retryDeletes(0)).toEqual({ deleted: 1, failed: 0 });
    expect(await exists(`retry/preview/${a.sha256}.mp4`)).toBe(false);
    expect(await c.media.retryDeletes(0)).toEqual({ deleted: 0, failed: 0 });
  });
});

describe('S3 backend under injected HTTP faults', () => {
  it('SlowDown (503) twice, then fine: the upload is retried with backoff and stored once', async () => {
    const { core: c, project } = await core(s3.url('slow'));
    const before = s3.faultsServed();
    s3.armFaults([{ kind: 'answer', status: 503, code: 'SlowDown' }, { kind: 'answer', status: 503, code: 'SlowDown' }]);
    const a = await c.media.putPreview({ projectId: project.id, jobId: 'job_slow01', n: 0, fromFile: file('slow but stored') });
    expect(s3.faultsServed() - before).toBe(2);
    expect((await c.media.list(project.id)).map((x) => x.id)).toEqual([a.id]);
    const got = await s3.raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `slow/preview/${a.sha256}.mp4` }));
    expect(await got.Body!.transformToString()).toBe('slow but stored');
  });

  it('a connection reset mid-upload is retried; the object is whole', async () => {
    const { core: c, project } = await core(s3.url('reset'));
    const body = Buffer.alloc(2 * 1024 * 1024, 5);
    const before = s3.faultsServed();
    s3.armFaults([{ kind: 'reset', afterBytes: 300_000 }]);
    const a = await c.media.putRelease({ projectId: project.id, jobId: 'job_reset1', n: 0, fromFile: file(body) });
    expect(s3.faultsServed() - before).toBe(1);
    const got = await s3.raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `reset/release/${a.sha256}.mp4` }));
    expect(sha(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha(body));
  });

  it('SlowDown that never ends, and a skewed clock: named, no row, no object', async () => {
    const { core: c, project } = await core(s3.url('never'));
    s3.armFaults(Array.from({ length: 4 }, () => ({ kind: 'answer' as const, status: 503, code: 'SlowDown' })));
    const slow = await c.media.putPreview({ projectId: project.id, jobId: 'job_never1', n: 0, fromFile: file('never') }).catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: 'IO_FAILED', details: { reason: 'slow-down', bucket: s3.bucket } });
    expect(String((slow as Error).message)).toMatch(/asked us to slow down \(SlowDown\).*Try again in a minute/);
    s3.armFaults([{ kind: 'answer', status: 403, code: 'RequestTimeTooSkewed' }]);
    const skew = await c.media.putPreview({ projectId: project.id, jobId: 'job_skew01', n: 0, fromFile: file('skewed') }).catch((e: unknown) => e);
    expect(skew).toMatchObject({ code: 'IO_FAILED', details: { reason: 'clock-skew', setting: 'system clock' } });
    expect(String((skew as Error).message)).toMatch(/clock is too far off.*enable NTP/);
    expect(await c.media.list(project.id)).toEqual([]);
    expect(await exists(`never/preview/${sha('never')}.mp4`)).toBe(false);
    expect(await exists(`never/preview/${sha('skewed')}.mp4`)).toBe(false);
  });
});
