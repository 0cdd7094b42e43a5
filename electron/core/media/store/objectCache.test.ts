import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../nodePorts';
import { tempDir } from '../../../../test/support/tmp';
import { ObjectCache } from './objectCache';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function cache(maxBytes: number, dir = tempDir('ct-cache-')) {
  dirs.push(dir);
  return { c: new ObjectCache({ dir: dir.dir, maxBytes, logger: silentLogger }), dir: dir.dir };
}
const blob = (ch: string, n = 100) => Buffer.alloc(n, ch);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let fetches = 0;
const source = (b: Buffer) => () => {
  fetches++;
  return Promise.resolve(Readable.from([b]));
};

describe('ObjectCache', () => {
  it('keeps at most maxBytes, evicting the least recently used file that is not in use', async () => {
    const { c, dir } = cache(250);
    const [a, b, d] = [blob('a'), blob('b'), blob('d')];
    (await c.acquire(sha(a), 'mp4', 100, source(a))).release();
    const held = await c.acquire(sha(b), 'mp4', 100, source(b)); // in use: never evicted
    (await c.acquire(sha(a), 'mp4', 100, source(a))).release(); // a is now more recent than b
    const before = fetches;
    (await c.acquire(sha(d), 'mp4', 100, source(d))).release();
    await c.idle();
    expect(fetches).toBe(before + 1); // a was served from the cache
    // Over the limit: a (idle, least recent apart from the held b) goes; b stays while held.
    expect(readdirSync(dir).sort()).toEqual([`${sha(b)}.mp4`, `${sha(d)}.mp4`].sort());
    expect(c.usedBytes).toBe(200);
    held.release();
  });

  it('lets files in use pass the limit, and shrinks back once they are released', async () => {
    const { c, dir } = cache(50);
    const [a, b] = [blob('a'), blob('b')];
    const ha = await c.acquire(sha(a), 'mp4', 100, source(a));
    const hb = await c.acquire(sha(b), 'mp4', 100, source(b));
    expect(existsSync(ha.file) && existsSync(hb.file)).toBe(true);
    ha.release();
    hb.release();
    await c.idle();
    expect(readdirSync(dir)).toEqual([]);
    expect(c.usedBytes).toBe(0);
  });

  it('refuses bytes that do not hash to the sha256 asked for, keeping nothing', async () => {
    const { c, dir } = cache(1000);
    await expect(c.acquire(sha(blob('a')), 'mp4', 100, source(blob('x')))).rejects.toMatchObject({ code: 'IO_FAILED', details: { reason: 'checksum' } });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('re-hashes a file left by an earlier run before using it, and replaces a corrupt one', async () => {
    const d = tempDir('ct-cache-');
    const a = blob('a');
    writeFileSync(join(d.dir, `${sha(a)}.mp4`), blob('z')); // corrupt leftover
    const { c } = cache(1000, d);
    const before = fetches;
    const h = await c.acquire(sha(a), 'mp4', 100, source(a));
    expect(fetches).toBe(before + 1);
    expect(sha(readFileSync(h.file))).toBe(sha(a));
    h.release();
  });
});
