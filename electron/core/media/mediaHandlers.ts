import { AppError } from '../../../shared/errors';
import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';
import { toDto } from './store/artifact';

type MediaCalls =
  | 'media.get'
  | 'media.list'
  | 'media.check'
  | 'media.lastCheck'
  | 'media.thumbnails'
  | 'media.watermarks'
  | 'media.registerWatermark'
  | 'retention.plan'
  | 'retention.sweep';

/** The media contract entries: thin calls into the stores, the checker, thumbnails, watermarks and retention. */
export function createMediaHandlers(core: Pick<Core, 'media' | 'artifactChecks' | 'thumbnails' | 'watermarks' | 'retention'>): Pick<Handlers, MediaCalls> {
  return {
    'media.get': ({ id }) => toDto(core.media.get(id)),
    'media.list': ({ projectId, class: cls }) => core.media.list(projectId, cls).map(toDto),
    'media.check': ({ id, expect, provider }) =>
      core.artifactChecks.check(id, {
        ...(provider ? { provider } : {}),
        ...(expect.durationSec !== undefined ? { durationSec: expect.durationSec } : {}),
        ...(expect.width !== undefined && expect.height !== undefined ? { resolution: { width: expect.width, height: expect.height } } : {}),
        ...(expect.audio !== undefined ? { audio: expect.audio } : {}),
      }),
    'media.lastCheck': ({ id }) => core.artifactChecks.last(id),
    'media.thumbnails': async ({ id }, ctx) => {
      const a = core.media.get(id);
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
