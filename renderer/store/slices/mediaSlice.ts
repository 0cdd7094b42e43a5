import type { StateCreator } from 'zustand';
import type { ThumbnailsDto } from '../../../shared/contract/media';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** A cache of scrub-sprite layouts by artifact id, loaded on first hover. 'none' = not available. */
export interface MediaSlice {
  mediaDoor: 'electron' | 'host';
  thumbs: Record<string, ThumbnailsDto | 'loading' | 'none'>;
  loadThumbs(artifactId: string): Promise<void>;
}

export const createMediaSlice =
  (api: Api): StateCreator<AppState, [], [], MediaSlice> =>
  (set, get) => ({
    mediaDoor: api.transport === 'ipc' ? 'electron' : 'host',
    thumbs: {},
    async loadThumbs(artifactId) {
      if (get().thumbs[artifactId]) return;
      set({ thumbs: { ...get().thumbs, [artifactId]: 'loading' } });
      try {
        const t = await api.call('media.thumbnails', { id: artifactId });
        set({ thumbs: { ...get().thumbs, [artifactId]: t } });
      } catch (e) {
        // No sprite (swept, or still being made): the card keeps its poster. Logged, not shown.
        console.warn('circletake: no scrub sprite for', artifactId, e);
        set({ thumbs: { ...get().thumbs, [artifactId]: 'none' } });
      }
    },
  });
