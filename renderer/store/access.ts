import { mayCall } from '../../shared/contract/access';
import type { CallName } from '../../shared/contract';
import type { AppState } from './index';

/**
 * Whether this session may make a call: the contract's one access table (shared/contract/access.ts), so
 * what the screen offers is what the core would allow — a filmmaker gets the draft form, a producer the
 * finalize path, a reviewer tags and comments. Nothing is offered before the role is known.
 */
export const can = (s: Pick<AppState, 'role'>, name: CallName): boolean => s.role !== null && mayCall(s.role, name);

/**
 * Whether this session may cancel or retry a job: the access table, and for a filmmaker only the jobs it
 * submitted (the studio refuses the others as "not yours"; they are not offered). A filmmaker whose
 * member id is not known yet is offered none.
 */
export const mayActOnJob = (s: Pick<AppState, 'role' | 'connection'>, name: 'jobs.cancel' | 'jobs.retry', job: { submittedBy: string | null }): boolean => {
  if (!can(s, name)) return false;
  if (s.role !== 'filmmaker') return true;
  const me = s.connection?.member?.id;
  return me !== undefined && job.submittedBy === me;
};
