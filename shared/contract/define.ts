import { z } from 'zod';

/**
 * Who may make a call through the review server. The owner's local session (Electron window,
 * local browser host, CLI) may make every call; reviewer and producer tokens get a fixed table.
 */
export type Role = 'reviewer' | 'producer' | 'owner';

export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** The least role allowed to make this call. */
  role: Role;
  /** True when the call changes nothing (safe to retry, allowed on read-only tokens). */
  isQuery: boolean;
}

export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, role: Role = 'owner'): CallDef<I, O> {
  return { input, output, role, isQuery: true };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, role: Role = 'owner'): CallDef<I, O> {
  return { input, output, role, isQuery: false };
}

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });
