import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

/** The review.* contract entries (the owner's "Share for review"): thin calls into ReviewLinks. */
export function reviewHandlers(core: Pick<Core, 'reviewLinks'>): Pick<Handlers, 'review.share' | 'review.links' | 'review.revoke'> {
  return {
    'review.share': ({ role, name }) => core.reviewLinks.share(role, name),
    'review.links': () => core.reviewLinks.list(),
    'review.revoke': ({ id }) => core.reviewLinks.revoke(id),
  };
}
