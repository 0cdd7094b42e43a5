import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredArtifact } from '../../electron/core/media/store/artifact';
import { answerMediaRequest } from '../../electron/core/media/serve/mediaRequest';
import type { Core } from '../../electron/core/createCore';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';
import { startS3, type TestS3 } from '../support/s3Server';
import { tempDir } from '../support/tmp';

/**
 * GET /media/<id> with the clips in a bucket (a real s3rver, the real SDK): still by id, proxied by the
 * host with Range (never a URL into the bucket), and a reviewer never gets a release object — not by
 * id, not by its content key, not by a path; producers and the owner get both.
 */
let s3: TestS3;
let host: RunningHost;
let cleanup: () => Promise<void>;
let core: Core;
let preview: StoredArtifact;
let release: StoredArtifact;
const src = tempDir('ct-route-s3-');
const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => 32 + ((i * 7) % 95))); // printable: rawRequest reads text

beforeAll(async () => {
  s3 = await startS3('circletake-route');
  const t = testCore({ config: { storeUrl: s3.url('route'), storeCredentials: s3.credentials } });
  cleanup = t.cleanup;
  core = t.core;
  const pid = (await t.core.projects.create('Media')).id;
  const f = join(src.dir, 'clip.mp4');
  writeFileSync(f, body.subarray(0, 1000));
  preview = await t.core.media.putPreview({ projectId: pid, jobId: 'job_route01', n: 0, fromFile: f });
  writeFileSync(f, body);
  release = await t.core.media.putRelease({ projectId: pid, jobId: 'job_route02', n: 0, fromFile: f });
  host = await startHost({ core: t.core, rendererDir });
});
afterAll(async () => {
  await host.close();
  await cleanup();
  await s3.close();
  src.cleanup();
});

type Role = 'owner' | 'producer' | 'reviewer';
const token = (role: Role) => (role === 'owner' ? host.ownerToken : host.tokens.issue(role, role === 'producer' ? 'Pia' : 'Rita'));
const get = (path: string, role: Role, headers: Record<string, string> = {}) =>
  rawRequest(`${host.url.slice(0, -1)}${path}`, { headers: { authorization: `Bearer ${token(role)}`, ...headers } });

describe('GET /media/<id> from S3', () => {
  it('streams a clip by id, whole and by byte range, proxied from the bucket', async () => {
    const whole = await get(`/media/${release.id}`, 'owner');
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['content-length']).toBe('3000');
    expect(whole.body === body.toString()).toBe(true);
    const part = await get(`/media/${release.id}`, 'owner', { range: 'bytes=1000-1009' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 1000-1009/3000');
    expect(part.body === body.subarray(1000, 1010).toString()).toBe(true);
    const tail = await get(`/media/${preview.id}`, 'owner', { range: 'bytes=-4' });
    expect(tail.body === body.subarray(996, 1000).toString()).toBe(true);
    expect((await get(`/media/${preview.id}`, 'owner', { range: 'bytes=5000-' })).status).toBe(416);
    expect(whole.body).not.toContain('X-Amz');
    expect(JSON.stringify(whole.headers)).not.toMatch(/amz|127\.0\.0\.1:\d+\/route/i);
  });

  it('a reviewer gets previews and never a release object: by id, content key or path', async () => {
    expect((await get(`/media/${preview.id}`, 'reviewer')).status).toBe(200);
    const r = await get(`/media/${release.id}`, 'reviewer', { range: 'bytes=0-9' });
    expect(r.status).toBe(404);
    expect(r.body).not.toContain(body.subarray(0, 10).toString());
    for (const path of [`/media/${release.sha256}.mp4`, `/media/release%2F${release.sha256}.mp4`, `/media/route/release/${release.sha256}.mp4`]) {
      expect((await get(path, 'reviewer')).status, path).toBe(404);
    }
    expect((await get(`/media/${release.id}`, 'producer')).status).toBe(200);
  });

  it("the Electron protocols' logic proxies the same way: by id, by range, only the scheme's own class", async () => {
    const ask = (url: string, cls: 'preview' | 'release', range: string | null = null) => answerMediaRequest({ url, method: 'GET', range }, cls, core.resolveMedia);
    const a = await ask(`media-release://media/${release.id}`, 'release', 'bytes=10-19');
    expect(a.status).toBe(206);
    expect(a.body && 'open' in a.body).toBe(true);
    if (a.body && 'open' in a.body) expect(Buffer.concat(await (await a.body.open()).toArray()).equals(body.subarray(10, 20))).toBe(true);
    expect((await ask(`media-preview://media/${release.id}`, 'preview')).status).toBe(404);
    expect((await ask(`media-release://media/${preview.id}`, 'release')).status).toBe(404);
  });
});
