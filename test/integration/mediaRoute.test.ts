import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredArtifact } from '../../electron/core/media/store/artifact';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { dbNeedsOn, ENGINES, suiteCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { rawRequest } from '../support/http';
import { tempDir } from '../support/tmp';

// GET /media/<id> on the browser host: token (header or session cookie), ids only, ranges for seeking.
// On both engines: the artifacts' metadata the route resolves ids through is on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `media route · ${engine}`, () => {
  let host: RunningHost;
  let cleanup: () => Promise<void>;
  let preview: StoredArtifact;
  let release: StoredArtifact;
  const src = tempDir('ct-route-');
  const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    const t = await suiteCoreOn(engine);
    cleanup = t.cleanup;
    const pid = (await t.core.projects.create('Media')).id;
    const f = join(src.dir, 'clip.mp4');
    writeFileSync(f, body);
    preview = await t.core.media.putPreview({ projectId: pid, jobId: 'job_route01', n: 0, fromFile: f });
    writeFileSync(f, Buffer.concat([body, body]));
    release = await t.core.media.putRelease({ projectId: pid, jobId: 'job_route02', n: 0, fromFile: f });
    host = await startHost({ core: t.core, rendererDir });
  });
  afterAll(async () => {
    await host.close();
    await cleanup();
    src.cleanup();
  });

  const get = (path: string, headers: Record<string, string> = {}) => rawRequest(`${host.url.slice(0, -1)}${path}`, { headers });
  const bearer = () => ({ authorization: `Bearer ${host.ownerToken}` });

  describe('GET /media/<id>', () => {
    it('needs a token', async () => {
      const r = await get(`/media/${preview.id}`);
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    });

    it('serves a clip by id with the token, as video/mp4 with ranges advertised', async () => {
      const r = await get(`/media/${preview.id}`, bearer());
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('video/mp4');
      expect(r.headers['accept-ranges']).toBe('bytes');
      expect(r.headers['content-length']).toBe('1000');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.from(r.body, 'latin1').length).toBe(1000);
    });

    it('serves through the session cookie a <video> element carries', async () => {
      const s = await rawRequest(`${host.url}session`, { method: 'POST', headers: bearer() });
      const cookie = String(s.headers['set-cookie']).split(';')[0]!;
      const r = await get(`/media/${release.id}`, { cookie });
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe('2000');
    });

    it('answers a byte range with 206, and an impossible one with 416', async () => {
      const r = await get(`/media/${preview.id}`, { ...bearer(), range: 'bytes=10-19' });
      expect(r.status).toBe(206);
      expect(r.headers['content-range']).toBe('bytes 10-19/1000');
      expect(r.headers['content-length']).toBe('10');
      const tail = await get(`/media/${preview.id}`, { ...bearer(), range: 'bytes=-5' });
      expect(tail.headers['content-range']).toBe('bytes 995-999/1000');
      const bad = await get(`/media/${preview.id}`, { ...bearer(), range: 'bytes=5000-' });
      expect(bad.status).toBe(416);
    });

    it('is ids only: unknown ids, paths and traversal attempts are 404, never a file', async () => {
      for (const path of [
        '/media/art_doesnotexist00',
        '/media/..%2F..%2Fcirclretake.db',
        '/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        `/media/${preview.id}%2F..%2F..%2Fcircletake.db`,
        '/media/preview/x.mp4',
        `/media/${preview.id}.poster`,
      ]) {
        const r = await get(path, bearer());
        expect(r.status, path).toBe(404);
        expect(r.json(), path).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      }
      const malformed = await get('/media/%E0%A4%A', bearer());
      expect([malformed.status, malformed.json()]).toMatchObject([400, { ok: false, error: { code: 'VALIDATION', details: { field: '(path)' } } }]);
    });

    it('refuses a foreign Host header (DNS rebinding) for media too', async () => {
      const r = await get(`/media/${preview.id}`, { ...bearer(), host: 'evil.example:80' });
      expect(r.status).toBe(403);
    });
  });
});
