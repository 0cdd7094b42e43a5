import fc from 'fast-check';
import { closeSync, mkdirSync, readFileSync, readSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactClass } from '../../shared/money/params';
import type { Core } from '../../electron/core/createCore';
import type { MediaResolver } from '../../electron/core/media/mediaResolver';
import { answerById, answerMediaRequest, type MediaAnswer } from '../../electron/core/media/serve/mediaRequest';
import { openInside } from '../../electron/core/media/serve/openInside';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { dbNeedsOn, ENGINES, suiteCoreOn } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Media reach the renderer only by opaque id (docs/reliability.md E2): fuzzed through the host's
// GET /media/<id> and through the Electron protocols' request logic (core/media/serve, the code
// electron/main/mediaProtocol.ts runs). Traversal in every spelling, absolute, drive and UNC
// paths, NUL, and symlinks swapped in after the check: nothing outside the store is ever served.

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
// On both engines: ids resolve through the artifacts' metadata on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `media by id only · ${engine}`, () => {
  const src = tempDir('ct-mfuzz-src-');
  const outside = tempDir('ct-mfuzz-outside-');
  const SECRET = 'TOP-SECRET-NOT-MEDIA';
  let core: Core;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let host: RunningHost;
  const files = new Map<string, { cls: ArtifactClass; body: Buffer }>();
  let previewId: string;
  let releaseId: string;

  beforeAll(async () => {
    const t = await suiteCoreOn(engine);
    ({ core, cleanup, dataDir } = t);
    const pid = (await core.projects.create('Fuzz')).id;
    const f = join(src.dir, 'clip.mp4');
    writeFileSync(f, Buffer.from('preview-bytes'));
    previewId = (await core.media.putPreview({ projectId: pid, jobId: 'job_mfuzz00001', n: 0, fromFile: f })).id;
    files.set(previewId, { cls: 'preview', body: Buffer.from('preview-bytes') });
    writeFileSync(f, Buffer.from('release-bytes'));
    releaseId = (await core.media.putRelease({ projectId: pid, jobId: 'job_mfuzz00002', n: 0, fromFile: f })).id;
    files.set(releaseId, { cls: 'release', body: Buffer.from('release-bytes') });
    writeFileSync(join(outside.dir, 'secret.txt'), SECRET);
    writeFileSync(join(dataDir, 'secret.txt'), SECRET);
    host = await startHost({ core, rendererDir, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } });
  });
  afterAll(async () => {
    await host.close();
    await cleanup();
    src.cleanup();
    outside.cleanup();
  });

  /** Pieces an attacker strings together: traversal in every encoding, separators, NUL, drives, UNC, ids. */
  const piece = () =>
    fc.constantFrom(
      '..', '.', '%2e%2e', '%2E%2E', '%252e%252e', '%25252e', '.%2e', '%2e.', '..%2f', '..%5c', '%2f', '%5c', '%252f', '/', '\\', '//',
      '%00', '\u0000', '%c0%ae', '%e0%80%ae', 'C:', 'c:\\', 'C:%5c', '\\\\server\\share', '//server/share', '%5c%5cserver%5cshare',
      '/etc/passwd', 'etc', 'passwd', 'secret.txt', 'circletake.db', 'preview', 'release', '.tmp', '.thumbs', 'art_', '.poster', '.sprite', '?', '#', '%3f', ';',
      outside.dir, join(outside.dir, 'secret.txt'), encodeURIComponent(join(outside.dir, 'secret.txt')), 'file:', 'app:',
    );
  const attack = () =>
    fc.oneof(
      fc.array(fc.oneof(piece(), fc.constantFrom(previewId, releaseId)), { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
      fc.array(piece(), { minLength: 1, maxLength: 6 }).map((p) => p.join('/')),
      fc.constantFrom(previewId, releaseId).chain((id) => piece().map((p) => fc.sample(fc.constantFrom(`${p}${id}`, `${id}${p}`, `${p}/${id}`, `${id}/${p}`), 1)[0]!)),
      fc.string({ maxLength: 40 }),
    );

  /** The one id a request may name and get bytes for: exactly a stored id of a class the door may see. */
  function expected(decoded: string, classes: readonly ArtifactClass[]): Buffer | null {
    const f = files.get(decoded);
    return f && classes.includes(f.cls) ? f.body : null;
  }

  function bodyOf(a: MediaAnswer): Buffer | null {
    if (!a.body || !('fd' in a.body)) return null;
    const len = a.body.end - a.body.start + 1;
    const buf = Buffer.alloc(len);
    try {
      readSync(a.body.fd, buf, 0, len, a.body.start);
    } finally {
      closeSync(a.body.fd);
    }
    return buf;
  }

  const safeDecode = (s: string): string | null => {
    try {
      return decodeURIComponent(s);
    } catch {
      return null;
    }
  };

  describe('the Electron media protocols (core/media/serve/mediaRequest)', () => {
    it(`serve only an exact stored id of their own class, never anything else (seed ${SEED})`, async () => {
      await fc.assert(
        fc.asyncProperty(attack(), fc.constantFrom<ArtifactClass>('preview', 'release'), fc.constantFrom('media', 'evil', '', 'media.evil'), async (path, cls, hostPart) => {
          const url = `media-${cls}://${hostPart}/${path}`;
          const a = await answerMediaRequest({ url, method: 'GET', range: null }, cls, core.resolveMedia);
          const body = bodyOf(a);
          let parsed: URL | null = null;
          try {
            parsed = new URL(url);
          } catch {
            parsed = null;
          }
          const id = parsed && parsed.host === 'media' && parsed.search === '' ? safeDecode(parsed.pathname.replace(/^\/+/, '')) : null;
          const want = id === null ? null : expected(id, [cls]);
          if (want) {
            expect(a.status).toBe(200);
            expect(body?.equals(want)).toBe(true);
          } else {
            expect(a.status).toBe(404);
            expect(body).toBeNull();
          }
        }),
        { seed: SEED, numRuns: 3000 },
      );
    });

    it('keep each scheme to its own root: a release id on media-preview: is 404, and the other way round', async () => {
      expect((await answerMediaRequest({ url: `media-preview://media/${releaseId}`, method: 'GET', range: null }, 'preview', core.resolveMedia)).status).toBe(404);
      expect((await answerMediaRequest({ url: `media-release://media/${previewId}`, method: 'GET', range: null }, 'release', core.resolveMedia)).status).toBe(404);
      expect((await answerMediaRequest({ url: `media-release://media/${previewId}`, method: 'GET', range: null }, 'preview', core.resolveMedia)).status).toBe(404);
      expect((await answerMediaRequest({ url: `media-preview://media/${previewId}`, method: 'POST', range: null }, 'preview', core.resolveMedia)).status).toBe(404);
      const ok = await answerMediaRequest({ url: `media-preview://media/${previewId}`, method: 'GET', range: 'bytes=0-6' }, 'preview', core.resolveMedia);
      expect(ok.status).toBe(206);
      expect(bodyOf(ok)?.toString()).toBe('preview');
    });
  });

  describe('the host route GET /media/<id>', () => {
    const get = (path: string, token: string) => rawRequest(`${host.url}media/${path}`, { headers: { authorization: `Bearer ${token}` } });

    it(`serves only an exact stored id the session may see (seed ${SEED})`, { timeout: 120_000 }, async () => {
      const reviewer = host.tokens.issue('reviewer', 'Fuzzer');
      await fc.assert(
        fc.asyncProperty(attack(), fc.boolean(), async (path, asReviewer) => {
          // What a client can put on the wire: the request line is sent as-is (no client-side normalisation).
          const wire = path.replace(/[\u0000-\u0020\u007f-\uffff]/g, (c) => encodeURIComponent(c)).replace(/#/g, '%23').replace(/\?/g, '%3F');
          const r = await get(wire, asReviewer ? reviewer : host.ownerToken);
          expect(r.body).not.toContain(SECRET);
          expect(r.body).not.toContain('SQLite format');
          const u = new URL(`/media/${wire}`, 'http://x');
          // `/media/..` normalises to `/`: that is the renderer's static route, not media (never the secret, checked above).
          if (!u.pathname.startsWith('/media/')) return;
          const id = safeDecode(u.pathname.slice('/media/'.length));
          const want = id === null ? null : expected(id, asReviewer ? ['preview'] : ['preview', 'release']);
          if (want) expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: want.toString() });
          else expect(r.status).toBe(id === null ? 400 : 404); // malformed %-encoding is a bad request, not a missing id
        }),
        { seed: SEED, numRuns: 600 },
      );
    });
  });

  describe('symlinks swapped in after the check', () => {
    /** A resolver that lets the real one check the path, then swaps the file for a symlink before the open. */
    const swapping = (swap: (file: string) => void): MediaResolver => async (id, cls) => {
      const m = await core.resolveMedia(id, cls);
      if (m && 'file' in m) swap(m.file);
      return m;
    };

    it('a clip replaced by a symlink to a file outside the store serves nothing', async () => {
      const f = join(src.dir, 'victim.mp4');
      writeFileSync(f, 'victim-bytes');
      const a = await core.media.putPreview({ projectId: (await core.projects.create('Victim')).id, jobId: 'job_mfuzz00003', n: 0, fromFile: f });
      const file = await core.media.fileOf(a);
      const r = await answerById(a.id, { method: 'GET', range: null }, 'preview', swapping((p) => {
        renameSync(p, `${p}.moved`);
        symlinkSync(join(outside.dir, 'secret.txt'), p);
      }));
      expect(r.status).toBe(404);
      expect(r.body).toBeNull();
      // Through the host too: the path still resolves through the symlink, and still nothing is served.
      const h = await rawRequest(`${host.url}media/${a.id}`, { headers: { authorization: `Bearer ${host.ownerToken}` } });
      expect(h.status).toBe(404);
      expect(h.body).not.toContain(SECRET);
      rmSync(file);
      renameSync(`${file}.moved`, file);
    });

    it('a folder on the way swapped for a symlink to outside serves nothing, even with a look-alike file there', async () => {
      const f = join(src.dir, 'victim2.mp4');
      writeFileSync(f, 'victim2-bytes');
      const a = await core.media.putPreview({ projectId: (await core.projects.create('Victim2')).id, jobId: 'job_mfuzz00004', n: 0, fromFile: f });
      const file = await core.media.fileOf(a);
      const day = dirname(file);
      // Outside, a folder holding a file with the clip's own name.
      const fake = join(outside.dir, 'fakeday');
      mkdirSync(fake, { recursive: true });
      writeFileSync(join(fake, file.slice(day.length + 1)), SECRET);
      const r = await answerById(a.id, { method: 'GET', range: null }, 'preview', swapping(() => {
        renameSync(day, `${day}.moved`);
        symlinkSync(fake, day);
      }));
      expect(r.status).toBe(404);
      expect(bodyOf(r)).toBeNull();
      rmSync(day);
      renameSync(`${day}.moved`, day);
      const back = await answerById(a.id, { method: 'GET', range: null }, 'preview', core.resolveMedia);
      expect(bodyOf(back)?.toString()).toBe('victim2-bytes');
    });

    it('openInside refuses a path outside the root, a folder, a missing file and a symlink', () => {
      const root = join(dataDir, 'preview');
      expect(openInside(root, join(outside.dir, 'secret.txt'))).toBeNull();
      expect(openInside(root, join(root, '..', 'secret.txt'))).toBeNull();
      expect(openInside(root, root)).toBeNull();
      expect(openInside(root, join(root, 'nope.mp4'))).toBeNull();
      const link = join(root, 'link.mp4');
      symlinkSync(join(outside.dir, 'secret.txt'), link);
      expect(openInside(root, link)).toBeNull();
      rmSync(link);
      const inside = join(root, 'inside.mp4');
      writeFileSync(inside, 'ok');
      const o = openInside(root, inside);
      expect(o?.size).toBe(2);
      closeSync(o!.fd);
      expect(readFileSync(inside, 'utf8')).toBe('ok');
    });
  });
});
