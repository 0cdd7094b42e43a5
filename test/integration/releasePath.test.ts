import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { ExportEntry } from '../../electron/core/media/export/exporter';
import type { PreviewArtifact, ReleaseArtifact } from '../../electron/core/media/store/artifact';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { seedJobQ, seedTakeQ } from '../support/boardSeed';
import { dbNeedsOn, ENGINES, suiteCoreOn } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Preview artifacts never reach a release path (issue 8): by type (the lines marked @ts-expect-error
// stop compiling the day a preview is accepted where a release is asked for: `npm test`'s typecheck),
// and at runtime through the producer's route on the review server, even when a take row lies.

/** Compile-time only, never called. */
export function previewsDoNotTypeAsReleases(core: Core, preview: PreviewArtifact, release: ReleaseArtifact): void {
  // @ts-expect-error a preview is not a ReleaseArtifact: stitch takes releases only
  void core.stitcher.stitch([preview], '/tmp/x.mp4');
  const entry: ExportEntry = { shotPosition: 1, takeId: 'tk_0000000000', paramsHash: 'p', model: 'm', credits: 1, artifact: release };
  // @ts-expect-error nor can an export entry carry one
  const smuggled: ExportEntry = { ...entry, artifact: preview };
  // @ts-expect-error and a hand-built object is neither (only MediaStore mints the brand)
  const forged: ReleaseArtifact = { id: 'art_0000000000', class: 'release', projectId: 'p', jobId: 'j', n: 0, sha256: 'x', sizeBytes: 1, createdAt: 0, sweptAt: null };
  void smuggled;
  void forged;
}

// On both engines: the take and job rows (and the artifacts' metadata) on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `release path · ${engine}`, () => {
  let core: Core;
  let cleanup: () => Promise<void>;
  let host: RunningHost;
  let producer: string;
  const src = tempDir('ct-release-path-');
  const ids = { liar: '', honest: '' };

  beforeAll(async () => {
    ({ core, cleanup } = await suiteCoreOn(engine));
    host = await startHost({ core, rendererDir });
    producer = host.tokens.issue('producer', 'Pat');
    const f = join(src.dir, 'clip.mp4');
    for (const [key, cls] of [
      ['liar', 'preview'],
      ['honest', 'release'],
    ] as const) {
      const p = await core.projects.create(`Project ${key}`);
      const shot = await core.shots.create(p.id, 'Shot 1');
      writeFileSync(f, Buffer.alloc(700, key === 'liar' ? 1 : 2));
      const jobId = `job_rp${key}00001`;
      const art = cls === 'preview' ? await core.media.putPreview({ projectId: p.id, jobId, n: 0, fromFile: f }) : await core.media.putRelease({ projectId: p.id, jobId, n: 0, fromFile: f });
      // A finalize job that "succeeded", and a take row claiming to be its release render.
      await seedJobQ(core.engine, { id: jobId, projectId: p.id, shotId: shot.id, artifactClass: 'release', status: 'succeeded' });
      await seedTakeQ(core.engine, { id: `tk_rp${key}00001`, jobId, projectId: p.id, shotId: shot.id, artifactClass: 'release', artifactId: art.id });
      ids[key] = p.id;
    }
  });
  afterAll(async () => {
    await host.close();
    await cleanup();
    src.cleanup();
  });

  const exportRun = (projectId: string, toDir: string) =>
    rawRequest(`${host.url}rpc/export.run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${producer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ projectId, toDir, withSequence: false }),
    });

  describe('the producer’s export route', () => {
    it('refuses a preview dressed up as a release take (422 POLICY_REFUSED) and writes nothing', async () => {
      const r = await exportRun(ids.liar, 'liar cut');
      expect(r.status).toBe(422);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED', details: { rule: 'release-only' } } });
      const out = join(core.config.dataDir, 'exports', 'liar cut');
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    });

    it('exports a real release take into the app’s exports folder', async () => {
      const r = await exportRun(ids.honest, 'honest cut');
      expect(r.status).toBe(200);
      const out = join(core.config.dataDir, 'exports', 'honest cut');
      expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['manifest.json']));
      expect(readdirSync(out)).toHaveLength(2);
    });

    it('never streams the preview to a reviewer as release, nor a release to a reviewer at all', async () => {
      const reviewer = host.tokens.issue('reviewer', 'Rae');
      const [liarTake, honestTake] = [(await core.takes.get('tk_rpliar00001')), (await core.takes.get('tk_rphonest00001'))];
      const media = (id: string) => rawRequest(`${host.url}media/${id}`, { headers: { authorization: `Bearer ${reviewer}` } });
      expect((await media(liarTake.artifactId!)).status).toBe(200); // it is a preview, whatever the take row says
      expect((await media(honestTake.artifactId!)).status).toBe(404);
    });
  });
});
