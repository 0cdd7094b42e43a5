import { z } from 'zod';

/**
 * Who a session is. The owner is the machine's own session (the Electron window, the local browser
 * host, the CLI) and may make every call; the others are a studio's members (or a review link, which
 * is a reviewer or a producer): what each may call, hear and stream is one table, ./access.ts.
 */
export const MemberRole = z.enum(['admin', 'filmmaker', 'producer', 'reviewer']);
export type MemberRole = z.infer<typeof MemberRole>;
export type Role = 'owner' | MemberRole;
/** A caller with no session at all: it may only accept an invite (it presents the invite's secret). */
export type Caller = Role | 'guest';

export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** True when the call changes nothing (safe to retry, allowed on read-only tokens). */
  isQuery: boolean;
}

export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallDef<I, O> {
  return { input, output, isQuery: true };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallDef<I, O> {
  return { input, output, isQuery: false };
}

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });
