import { z } from 'zod';
import { Empty, MemberRole, mutation, query } from './define';

/**
 * A studio's accounts: members (a name and a role), one-time invites that become per-user tokens, and
 * the admin's audit of money moves and account changes by member. Secrets (an invite's, a token's) are
 * shown once, when made; the database keeps their sha-256 only.
 */
export const MemberId = z.string().regex(/^mem_[0-9a-z]{10,40}$/, 'must be a member id like mem_…');
export const TokenId = z.string().regex(/^tok_[0-9a-z]{10,40}$/, 'must be a token id like tok_…');
export const InviteId = z.string().regex(/^inv_[0-9a-z]{10,40}$/, 'must be an invite id like inv_…');
/** An invite's one-time secret, as the link carries it. */
export const InviteSecret = z.string().regex(/^cti_[0-9a-f]{64}$/, 'must be the invite secret from the link (cti_ and 64 hex digits)');
const MemberName = z.string().trim().min(1, 'give the member a name').max(60);

export const Member = z.object({
  id: MemberId,
  name: z.string(),
  role: MemberRole,
  /** The member id of the admin who invited them, or "owner" (the studio's own machine: the CLI, the app). */
  createdBy: z.string(),
  createdAt: z.number().int(),
  disabled: z.boolean(),
});
export type Member = z.infer<typeof Member>;

export const Invite = z.object({ id: InviteId, name: z.string(), role: MemberRole, createdBy: z.string(), createdAt: z.number().int(), expiresAt: z.number().int() });
export type Invite = z.infer<typeof Invite>;

export const TokenState = z.enum(['live', 'expired', 'revoked']);
export const TokenInfo = z.object({
  id: TokenId,
  memberId: MemberId,
  memberName: z.string(),
  label: z.string(),
  createdAt: z.number().int(),
  /** Updated at most once a minute. */
  lastUsedAt: z.number().int().nullable(),
  expiresAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
  state: TokenState,
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  /** Who did it (null: the studio's owner, or the system, e.g. a plan allowance). */
  memberId: z.string().nullable(),
  memberName: z.string().nullable(),
  kind: z.enum(['money', 'account']),
  /** The ledger op (reserve, capture, void, grant, …) or the account change (invited, joined, roleChanged, tokenRevoked, disabled, enabled). */
  action: z.string(),
  /** Credits the op moved (money only). */
  credits: z.number().int().nullable(),
  jobId: z.string().nullable(),
  /** The member or token the change was about (account only). */
  subject: z.string().nullable(),
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const studioCalls = {
  /** A one-time invite for a new member: the secret (in the link) is shown only now. */
  'studio.invite': mutation(
    z.object({ role: MemberRole, name: MemberName, expiresInDays: z.number().int().min(1).max(90).default(7) }).strict(),
    z.object({ invite: Invite, secret: InviteSecret, note: z.string() }),
  ),
  /** Accepting an invite (no session needed: the secret is the proof) makes the member and their token, shown once. Twice is refused. */
  'studio.acceptInvite': mutation(
    z.object({ secret: InviteSecret, label: z.string().trim().min(1).max(60).optional() }).strict(),
    z.object({ member: Member, token: z.string(), tokenId: TokenId, expiresAt: z.number().int() }),
  ),
  'studio.members': query(Empty, z.array(Member)),
  /** Tokens per member (never the secret): created, last used, expiry, state; newest first. */
  'studio.tokens': query(z.object({ memberId: MemberId.optional() }).strict(), z.array(TokenInfo)),
  /** Revokes a token at once: its calls get 401 (revoked) and its sockets close. */
  'studio.revokeToken': mutation(z.object({ id: TokenId }).strict(), TokenInfo),
  'studio.setRole': mutation(z.object({ memberId: MemberId, role: MemberRole }).strict(), Member),
  /** A disabled member's tokens stop working at once; enabling them again brings back the unexpired, unrevoked ones. */
  'studio.setDisabled': mutation(z.object({ memberId: MemberId, disabled: z.boolean() }).strict(), Member),
  /** Money moves and account changes by member, newest first, a page at a time. */
  'studio.audit': query(
    z.object({ memberId: MemberId.optional(), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }).strict(),
    z.object({ entries: z.array(AuditEntry), nextOffset: z.number().int().nullable() }),
  ),
} as const;

export const studioEvents = {
  'studio.changed': z.object({
    kind: z.enum(['invited', 'joined', 'roleChanged', 'tokenRevoked', 'disabled', 'enabled']),
    memberId: z.string().nullable(),
    tokenId: z.string().nullable(),
  }),
} as const;
