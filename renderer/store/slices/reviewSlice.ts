import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import type { LinkRole, ReviewLink, SharedLink } from '../../../shared/contract/review';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** The owner's review links: the live ones (a cache fed by review.changed) and the one just made. */
export interface ReviewSlice {
  reviewLinks: ReviewLink[];
  /** The link made last in this session: the only time its URL (with the token) is known. */
  lastShared: SharedLink | null;
  loadReviewLinks(): Promise<void>;
  shareForReview(role: LinkRole, name: string): Promise<SharedLink>;
  revokeReviewLink(id: string): Promise<void>;
  applyReviewChanged(e: EventPayload<'review.changed'>): void;
}

const newestFirst = (a: ReviewLink, b: ReviewLink) => b.createdAt - a.createdAt || b.id.localeCompare(a.id);

export const createReviewSlice =
  (api: Api): StateCreator<AppState, [], [], ReviewSlice> =>
  (set, get) => ({
    reviewLinks: [],
    lastShared: null,
    async loadReviewLinks() {
      set({ reviewLinks: await api.call('review.links', {}) });
    },
    async shareForReview(role, name) {
      const shared = await api.call('review.share', { role, name });
      set({ lastShared: shared });
      get().applyReviewChanged({ kind: 'created', link: shared.link });
      return shared;
    },
    async revokeReviewLink(id) {
      const link = await api.call('review.revoke', { id });
      get().applyReviewChanged({ kind: 'revoked', link });
    },
    applyReviewChanged({ kind, link }) {
      const rest = get().reviewLinks.filter((l) => l.id !== link.id);
      const lastShared = kind === 'revoked' && get().lastShared?.link.id === link.id ? null : get().lastShared;
      set({ reviewLinks: kind === 'created' ? [...rest, link].sort(newestFirst) : rest, lastShared });
    },
  });
