import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../../../../test/support/s3Server';
import { tempDir } from '../../../../test/support/tmp';
import { sha256File } from './fileOps';
import { nodeArgs } from '../../../../test/support/nodeEntry';

/**
 * Never a whole file in memory: a 192 MB clip (sparse, made here) stored on S3 (multipart), read back
 * through the cache and exported, in a child process that reports its own peak memory growth. Whole-file
 * buffering would need ≥ 192 MB; the bound is three quarters of that for RSS (the multipart parts in
 * flight and the allocator's slack reached 104 MB with another test file running beside it) and a sixth
 * for the V8 heap. The 1 GB figures (RSS +42 MB) are in `npm run bench store`.
 */
const MB = 1024 * 1024;
const SIZE = 192 * MB;
let s3: TestS3;
const work = tempDir('ct-mem-');
beforeAll(async () => {
  s3 = await startS3('circletake-memory');
});
afterAll(async () => {
  await s3.close();
  work.cleanup();
});

describe('store memory', () => {
  it('stores, caches and exports a 192 MB clip on S3 with memory far below its size', { timeout: 180_000 }, async () => {
    const file = join(work.dir, 'big.mp4');
    const fd = openSync(file, 'w');
    writeSync(fd, Buffer.from('circletake memory proof'));
    ftruncateSync(fd, SIZE);
    closeSync(fd);
    const child = spawn(process.execPath, [...nodeArgs('test/support/storeMemoryChild.ts'), join(work.dir, 'data'), s3.url('mem'), file, join(work.dir, 'out')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const r = JSON.parse(out) as Record<'put' | 'cached' | 'exported', { rss: number; heap: number }> & { sha256: string; sizeBytes: number; exportedSha: string };
    console.log(`store memory (192 MB clip): ${JSON.stringify({ put: r.put, cached: r.cached, exported: r.exported }, (_k, v: unknown) => (typeof v === 'number' ? `${(v / MB).toFixed(1)} MB` : v))}`);
    expect(r.sizeBytes).toBe(SIZE);
    expect(r.sha256).toBe(await sha256File(file));
    expect(r.exportedSha).toBe(r.sha256);
    for (const step of ['put', 'cached', 'exported'] as const) {
      expect(r[step].rss, `${step} rss`).toBeLessThan((SIZE * 3) / 4);
      expect(r[step].heap, `${step} heap`).toBeLessThan(SIZE / 6);
    }
  });
});
