import { z } from 'zod';
import { Author } from './board';
import { Empty, mutation, query } from './define';

/**
 * Review links made from the app ("Share for review"): a reviewer or producer token stored (as its
 * digest) in the database, so every server on the data dir honours it (the browser host, a
 * `circletake review` server) until it is revoked. The link itself is shown once, when it is made.
 */
export const ReviewLinkId = z.string().regex(/^rvl_[0-9a-z]{10,40}$/, 'must be a review link id like rvl_…');
export const LinkRole = z.enum(['reviewer', 'producer']);
export type LinkRole = z.infer<typeof LinkRole>;

export const ReviewLink = z.object({
  id: ReviewLinkId,
  role: LinkRole,
  /** Who the link is for: their tags and comments are recorded under this name. */
  name: z.string(),
  createdAt: z.number().int(),
});
export type ReviewLink = z.infer<typeof ReviewLink>;

export const SharedLink = z.object({
  link: ReviewLink,
  /** The link on each address the server answers (this machine first, then the LAN), token in the fragment. */
  urls: z.array(z.string()),
  /** A QR code (SVG markup) of the link a phone or another machine would open, or null with no server. */
  qrSvg: z.string().nullable(),
  /** Where the link works, in words. */
  note: z.string(),
});
export type SharedLink = z.infer<typeof SharedLink>;

export const reviewCalls = {
  'review.share': mutation(z.object({ role: LinkRole, name: Author }).strict(), SharedLink),
  /** The live links (not revoked), newest first. */
  'review.links': query(Empty, z.array(ReviewLink)),
  /** Revokes a link at once: its calls fail and its open sockets close, on every server. */
  'review.revoke': mutation(z.object({ id: ReviewLinkId }).strict(), ReviewLink),
} as const;

export const reviewEvents = {
  'review.changed': z.object({ kind: z.enum(['created', 'revoked']), link: ReviewLink }),
} as const;
