import type { StateCreator } from 'zustand';
import type { ThumbnailsDto } from '../../../shared/contract/media';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** A cache of scrub-sprite layouts by artifact id, loaded on first hover. 'none' = not available. */
export interface MediaSlice {
  mediaDoor: 'electron' | 'host';
  thumbs: Record<string, ThumbnailsDto | 'loading' | 'none'>;
  /** Artifacts whose file retention removed (params, metadata and posters stay), with when. */
  swept: Record<string, number>;
  loadThumbs(artifactId: string): Promise<void>;
  /** Asks core whether an artifact's file is still there (the player does, before playing). */
  checkArtifact(artifactId: string): Promise<void>;
  applySwept(artifactIds: readonly string[]): void;
}

export const createMediaSlice =
  (api: Api): StateCreator<AppState, [], [], MediaSlice> =>
  (set, get) => ({
    mediaDoor: api.transport === 'ipc' ? 'electron' : 'host',
    thumbs: {},
    swept: {},
    async checkArtifact(artifactId) {
      const a = await api.call('media.get', { id: artifactId });
      if (a.sweptAt !== null) set({ swept: { ...get().swept, [artifactId]: a.sweptAt } });
    },
    applySwept(ids) {
      const swept = { ...get().swept };
      for (const id of ids) swept[id] ??= Date.now();
      set({ swept });
    },
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
