import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { AutoChecker } from './check/autoChecker';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';
import { toDto } from './store/artifact';

type MediaCalls =
  | 'media.get'
  | 'media.checkFile'
  | 'media.list'
  | 'media.check'
  | 'media.lastCheck'
  | 'media.thumbnails'
  | 'media.watermarks'
  | 'media.registerWatermark'
  | 'retention.plan'
  | 'retention.sweep';

/** The media contract entries: thin calls into the stores, the checker, thumbnails, watermarks and retention. */
export function createMediaHandlers(core: Pick<Core, 'media' | 'artifactChecks' | 'checker' | 'thumbnails' | 'watermarks' | 'retention'>): Pick<Handlers, MediaCalls> {
  return {
    ...checkFileHandler(core.checker),
    'media.get': async ({ id }) => toDto(await core.media.get(id)),
    'media.list': async ({ projectId, class: cls }) => (await core.media.list(projectId, cls)).map(toDto),
    'media.check': ({ id, expect, provider }) =>
      core.artifactChecks.check(id, {
        ...(provider ? { provider } : {}),
        ...(expect.durationSec !== undefined ? { durationSec: expect.durationSec } : {}),
        ...(expect.width !== undefined && expect.height !== undefined ? { resolution: { width: expect.width, height: expect.height } } : {}),
        ...(expect.audio !== undefined ? { audio: expect.audio } : {}),
      }),
    'media.lastCheck': ({ id }) => core.artifactChecks.last(id),
    'media.thumbnails': async ({ id }, ctx) => {
      const a = await core.media.get(id);
      // A reviewer sees previews only (as the media route serves them): nothing is made for a release take.
      if (ctx.role === 'reviewer' && a.class !== 'preview') {
        throw new AppError('FORBIDDEN', `${id} is a release take; a reviewer session sees previews only.`, { field: 'id', id });
      }
      const t = await core.thumbnails.forArtifact(a);
      return {
        artifactId: t.artifactId,
        posterId: `${id}.poster`,
        spriteId: `${id}.sprite`,
        frames: t.frames,
        columns: t.columns,
        rows: t.rows,
        frameWidth: t.frameWidth,
        frameHeight: t.frameHeight,
        intervalSec: t.intervalSec,
      };
    },
    'media.watermarks': () => core.watermarks.list(),
    'media.registerWatermark': (input) => core.watermarks.register(input),
    'retention.plan': () => core.retention.plan(),
    'retention.sweep': () => core.retention.sweep(),
  };
}

/**
 * media.checkFile: the auto-check of a clip by absolute path, nothing stored. Its own factory so
 * `circletake check` can serve it without a data dir (a dispatcher over this one entry).
 */
export function checkFileHandler(checker: Pick<AutoChecker, 'check'>): Pick<Handlers, 'media.checkFile'> {
  return {
    'media.checkFile': ({ file, expect, class: cls }, ctx) => {
      if (!isAbsolute(file)) throw new AppError('VALIDATION', `file: "${file}" is a relative path; give the clip's full path.`, { field: 'file' });
      if (!existsSync(file)) throw new AppError('VALIDATION', `file: no file at ${file}; check the path.`, { field: 'file' });
      if (statSync(file).isDirectory()) throw new AppError('VALIDATION', `file: ${file} is a folder; pass a video file.`, { field: 'file' });
      return checker.check(file, {
        ...(expect.durationSec !== undefined ? { durationSec: expect.durationSec } : {}),
        ...(expect.width !== undefined && expect.height !== undefined ? { resolution: { width: expect.width, height: expect.height } } : {}),
        ...(expect.audio !== undefined ? { audio: expect.audio } : {}),
        ...(cls ? { artifactClass: cls } : {}),
      }, ctx.signal);
    },
  };
}
