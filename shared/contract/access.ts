import type { ArtifactClass } from '../money/params';
import type { Caller, Role } from './define';
import type { CallName, EventName } from './index';

/**
 * Who may do what, in one place: for every contract entry the callers that may make it, for every event
 * the roles that hear it, and for every role the media classes it may stream. A new entry or event
 * without a row here fails the typecheck (the tables are typed over every name).
 *
 * The owner (the machine's own session: window, local host, CLI) may make every call. A review link
 * is a reviewer or a producer, and may call exactly what it could before there were member roles.
 * An admin runs the studio: members, tokens, money settings, the queue; but not what reads or writes
 * a path on the server's own disk (owner only). A filmmaker generates (drafts, estimates, submits,
 * cancels and retries its own jobs) and tags and comments; a producer shortlists, finalizes and
 * exports, and tags and comments; a reviewer tags and comments.
 */
const ALL = ['owner', 'admin', 'filmmaker', 'producer', 'reviewer'] as const satisfies readonly Role[];
const MONEY = ['owner', 'admin', 'filmmaker', 'producer'] as const satisfies readonly Role[];
const PRODUCE = ['owner', 'admin', 'producer'] as const satisfies readonly Role[];
const MAKE = ['owner', 'admin', 'filmmaker'] as const satisfies readonly Role[];
const ADMIN = ['owner', 'admin'] as const satisfies readonly Role[];
const OWNER = ['owner'] as const satisfies readonly Role[];
const ANYONE = [...ALL, 'guest'] as const satisfies readonly Caller[];

export const CALL_ACCESS: { readonly [K in CallName]: readonly Caller[] } = {
  'system.info': ADMIN,
  'system.doctor': ADMIN,
  'system.pickFolder': OWNER,
  // Where the session works: everyone may ask; only the desktop's own session switches (its main answers it).
  'system.connection': ALL,
  'system.connect': OWNER,
  // Answered by the desktop's main on a studio (as system.connect), before any core: the studio's own export
  // route checks the member may export. A core that gets it (the owner's) refuses it, naming the way out.
  'system.saveExport': OWNER,
  'projects.list': ALL,
  'projects.create': ADMIN,
  'projects.rename': ADMIN,
  'projects.delete': ADMIN,
  'plans.list': MONEY,
  'plans.active': MONEY,
  'plans.activate': ADMIN,
  'plans.reload': ADMIN,
  'credits.estimate': MONEY,
  'credits.quote': MONEY,
  'credits.balances': MONEY,
  'credits.provider': PRODUCE,
  'credits.syncProvider': ADMIN,
  'credits.history': PRODUCE,
  'credits.reservations': PRODUCE,
  'credits.grant': ADMIN,
  'credits.purchase': ADMIN,
  'credits.adjust': ADMIN,
  'credits.setBudget': ADMIN,
  'credits.audit': PRODUCE,
  // Limits and spend notices: members' limits and spend are the admins' to see and set.
  'credits.limits': ADMIN,
  'credits.setUserLimits': ADMIN,
  'credits.setProjectDailyCap': ADMIN,
  'credits.setNotifySettings': ADMIN,
  'credits.webhookDeliveries': ADMIN,
  'shots.list': ALL,
  'shots.create': MAKE,
  'shots.rename': ADMIN,
  'shots.move': ADMIN,
  'shots.delete': ADMIN,
  'jobs.lookup': MAKE,
  'jobs.submit': MAKE,
  'jobs.list': MONEY,
  'jobs.get': MONEY,
  // A filmmaker's own jobs only (electron/core/accounts/memberScope.ts).
  'jobs.cancel': MAKE,
  'jobs.retry': MAKE,
  'jobs.pause': ADMIN,
  'jobs.resume': ADMIN,
  'jobs.setPriority': ADMIN,
  'jobs.moveBefore': ADMIN,
  'jobs.deadLetters': MAKE,
  'jobs.discard': ADMIN,
  'jobs.resolveUnknown': ADMIN,
  'queue.status': MONEY,
  'queue.pause': ADMIN,
  'queue.resume': ADMIN,
  'finalize.plan': PRODUCE,
  'finalize.run': PRODUCE,
  // Writes a file anywhere on the server's disk.
  'stitch.run': OWNER,
  'export.check': PRODUCE,
  'export.run': PRODUCE,
  'takes.list': ALL,
  'takes.get': ALL,
  // Paths on the server's disk.
  'takes.files': OWNER,
  'media.get': ALL,
  'media.list': ALL,
  'media.check': MAKE,
  // Reads a file on the server's disk.
  'media.checkFile': OWNER,
  'media.lastCheck': ALL,
  'media.thumbnails': ALL,
  'media.watermarks': ADMIN,
  'media.registerWatermark': OWNER,
  'retention.plan': ADMIN,
  'retention.sweep': ADMIN,
  'board.view': ALL,
  'tags.add': ALL,
  'tags.remove': ALL,
  'comments.list': ALL,
  'stars.set': ALL,
  'comments.add': ALL,
  'comments.delete': ALL,
  'shortlist.rule': ALL,
  'shortlist.auto': PRODUCE,
  'shortlist.set': PRODUCE,
  'board.undo': ALL,
  'insight.report': PRODUCE,
  // Usage over time per member and per project: read as the report's spend by member is.
  'spend.usage': PRODUCE,
  'insight.forecast': PRODUCE,
  'insight.recommendations': PRODUCE,
  'insight.calibration': PRODUCE,
  'insight.setCalibration': ADMIN,
  'insight.settings': PRODUCE,
  'insight.setSettings': ADMIN,
  'insight.thresholds': PRODUCE,
  'insight.setThresholds': ADMIN,
  'benchmark.list': PRODUCE,
  'benchmark.plan': ADMIN,
  'benchmark.run': ADMIN,
  'benchmark.apply': ADMIN,
  'labels.list': ADMIN,
  'labels.set': ADMIN,
  'labels.remove': ADMIN,
  // Reads a manifest on the server's disk.
  'labels.importManifest': OWNER,
  'review.share': ADMIN,
  'review.links': ADMIN,
  'review.revoke': ADMIN,
  'drafts.list': MAKE,
  'drafts.save': MAKE,
  'takes.recipe': MAKE,
  'jobs.recipe': MAKE,
  'studio.invite': ADMIN,
  'studio.acceptInvite': ANYONE,
  'studio.members': ADMIN,
  'studio.tokens': ADMIN,
  'studio.revokeToken': ADMIN,
  'studio.setRole': ADMIN,
  'studio.setDisabled': ADMIN,
  'studio.audit': ADMIN,
};

/** The roles that hear each event on the WebSocket (reviewers see no money or queue; review links and accounts are the admins'). */
export const EVENT_ACCESS: { readonly [K in EventName]: readonly Role[] } = {
  'system.coreStatus': ALL,
  'projects.changed': ALL,
  'shots.changed': ALL,
  'takes.changed': ALL,
  'board.changed': ALL,
  'media.stored': ALL,
  'media.checked': ALL,
  'media.swept': ALL,
  'jobs.changed': MONEY,
  'jobs.progressed': MONEY,
  'queue.changed': MONEY,
  'credits.changed': MONEY,
  'credits.thresholdCrossed': MONEY,
  'plans.changed': MONEY,
  'export.progressed': PRODUCE,
  'insight.thresholdCrossed': PRODUCE,
  'insight.calibrationChanged': PRODUCE,
  'benchmark.progressed': PRODUCE,
  'review.changed': ADMIN,
  'studio.changed': ADMIN,
  'stitch.progressed': OWNER,
};

/** The media classes each role may stream: reviewers previews only. */
export const MEDIA_ACCESS: { readonly [R in Role]: readonly ArtifactClass[] } = {
  owner: ['preview', 'release'],
  admin: ['preview', 'release'],
  filmmaker: ['preview', 'release'],
  producer: ['preview', 'release'],
  reviewer: ['preview'],
};

export function mayCall(caller: Caller, name: CallName): boolean {
  return CALL_ACCESS[name].includes(caller);
}

export function hears(role: Role, event: string): boolean {
  const who = (EVENT_ACCESS as Partial<Record<string, readonly Role[]>>)[event];
  return who ? who.includes(role) : role === 'owner';
}

/**
 * Who to ask for, in a refusal: the narrowest member roles that may make the call ("the producer
 * role"), else "an admin", else the studio's owner.
 */
export function neededRoles(name: CallName): Role[] {
  const who = CALL_ACCESS[name].filter((c): c is Role => c !== 'guest');
  const members = who.filter((r) => r !== 'owner' && r !== 'admin');
  if (members.length > 0) return members;
  return who.includes('admin') ? ['admin'] : ['owner'];
}

/** "needs the producer role; ask an admin" — the end of every refusal. */
export function refusalFor(caller: Caller, name: CallName): string {
  const need = neededRoles(name);
  if (caller === 'guest') return `${name} needs a member's token: sign in with the link your studio's admin sent you.`;
  if (need[0] === 'owner') return `A ${caller} may not call ${name}: only the studio's owner may, on its own machine.`;
  const roles = need.length === 1 ? `the ${need[0]} role` : `the ${need.slice(0, -1).join(', ')} or ${need[need.length - 1]} role`;
  return `A ${caller} may not call ${name}: it needs ${roles}; ask an admin.`;
}
