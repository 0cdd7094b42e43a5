import { mayCall } from '../../shared/contract/access';
import type { CallName } from '../../shared/contract';
import type { AppState } from './index';

/**
 * Whether this session may make a call: the contract's one access table (shared/contract/access.ts), so
 * what the screen offers is what the core would allow — a filmmaker gets the draft form, a producer the
 * finalize path, a reviewer tags and comments. Nothing is offered before the role is known.
 */
export const can = (s: Pick<AppState, 'role'>, name: CallName): boolean => s.role !== null && mayCall(s.role, name);
