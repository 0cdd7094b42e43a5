import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../../../../test/support/s3Server';
import { tempDir } from '../../../../test/support/tmp';
import { S3Backend } from '../store/backend/s3Backend';
import { parseStoreUrl, type S3StoreConfig } from '../store/backend/storeUrl';
import { bucketShelf, folderShelf } from './exportShelf';

/**
 * Where a member's named export is kept (#18 item 1: no state in one studio process that another needs).
 * On a studio with a bucket (a real s3rver, the real SDK) the export's files go to the bucket and the
 * staging folder is removed; a second process — its own backend, its own data dir — serves them; a
 * name already kept names its files; a store that fails mid-way keeps nothing. The folder shelf (a
 * desktop, a browser host) keeps the files where they were written and serves nothing outside them.
 */
let s3: TestS3;
const work = tempDir('ct-shelf-');
const backends: S3Backend[] = [];
beforeAll(async () => {
  s3 = await startS3('circletake-shelf');
});
afterAll(async () => {
  for (const b of backends) b.dispose();
  await s3.close();
  work.cleanup();
});
afterEach(() => s3.setDown(false));

const backend = (prefix: string) => {
  const b = new S3Backend(parseStoreUrl(s3.url(prefix)) as S3StoreConfig, { credentials: s3.credentials });
  backends.push(b);
  return b;
};
let n = 0;
function exportDir(files: Record<string, string>): string {
  const dir = join(work.dir, `staging-${++n}`, 'exports', 'Harbour cut');
  mkdirSync(dir, { recursive: true });
  for (const [f, body] of Object.entries(files)) writeFileSync(join(dir, f), body);
  return dir;
}
const inBucket = (key: string) =>
  s3.raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
    () => true,
    () => false,
  );

describe('a member\'s export on a studio\'s bucket', () => {
  it('is kept in the bucket, its staging folder removed, and served by another process', async () => {
    const a = bucketShelf(backend('studio'));
    const dir = exportDir({ '01-shot-1_take-2.mp4': 'take bytes', 'sequence.mp4': 'sequence bytes', 'manifest.json': '{"takes":[]}' });
    const files = ['01-shot-1_take-2.mp4', 'sequence.mp4', 'manifest.json'];
    expect(await a.clashes('Harbour cut', files)).toEqual([]);
    await a.keep('Harbour cut', dir);
    expect(existsSync(dir)).toBe(false);
    for (const f of files) expect(await inBucket(`studio/release/exports/Harbour cut/${f}`)).toBe(true);

    // Another studio process: a backend of its own over the same bucket, nothing on its disk.
    const b = bucketShelf(backend('studio'));
    const got = await b.open('Harbour cut', 'sequence.mp4');
    expect(got?.sizeBytes).toBe('sequence bytes'.length);
    expect(await text(await got!.stream())).toBe('sequence bytes');
    // The same name again is refused with the files it holds; other names and files are nothing.
    expect(await b.clashes('Harbour cut', ['manifest.json', 'other.mp4'])).toEqual(['manifest.json']);
    expect(await b.open('Harbour cut', 'other.mp4')).toBeNull();
    expect(await b.open('Another cut', 'manifest.json')).toBeNull();
    expect(await b.open('Harbour cut', '../secret.txt')).toBeNull();
  });

  it('keeps no export when the bucket fails mid-way: the name is free again, and nothing half-stored is served', async () => {
    const real = backend('midway');
    // The real backend, with the bucket going down just before the manifest (the last file) goes up.
    const failing = new Proxy(real, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop !== 'stage') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (cls: 'release', file: string, signal?: AbortSignal) => {
          const staged = await target.stage(cls, file, signal);
          if (file.endsWith('manifest.json')) s3.setDown(true);
          return staged;
        };
      },
    });
    const shelf = bucketShelf(failing);
    const dir = exportDir({ 'a.mp4': 'a', 'manifest.json': '{}' });
    const err = await shelf.keep('Harbour cut', dir).catch((e: unknown) => e);
    s3.setDown(false);
    expect(err).toMatchObject({ code: 'IO_FAILED', details: { field: 'toDir', reason: 'store' } });
    expect(String((err as Error).message)).toMatch(/could not be stored in the studio's bucket.*nothing was kept\. Export again/);
    expect(existsSync(dir)).toBe(false);
    expect(await inBucket('midway/release/exports/Harbour cut/manifest.json')).toBe(false);
    // Whatever went up before the failure is not an export: not served, not in the way of the same name.
    const again = bucketShelf(real);
    expect(await again.open('Harbour cut', 'a.mp4')).toBeNull();
    expect(await again.clashes('Harbour cut', ['a.mp4', 'manifest.json'])).toEqual([]);
    await again.keep('Harbour cut', exportDir({ 'a.mp4': 'a2', 'manifest.json': '{"v":2}' }));
    expect(await text(await (await again.open('Harbour cut', 'a.mp4'))!.stream())).toBe('a2');
  });
});

describe('a member\'s export in the exports folder', () => {
  it('stays where it was written and serves nothing outside it', async () => {
    const dir = exportDir({ 'manifest.json': '{"takes":[]}' });
    const root = join(dir, '..');
    writeFileSync(join(root, '..', 'secret.txt'), 'not an export');
    symlinkSync(join(root, '..', 'secret.txt'), join(dir, 'planted.mp4'));
    const shelf = folderShelf(root);
    await shelf.keep('Harbour cut', dir);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    expect(await shelf.clashes('Harbour cut', ['manifest.json', 'sequence.mp4'])).toEqual(['manifest.json']);
    expect(await text(await (await shelf.open('Harbour cut', 'manifest.json'))!.stream())).toBe('{"takes":[]}');
    expect(await shelf.open('Harbour cut', 'planted.mp4')).toBeNull();
  });
});
