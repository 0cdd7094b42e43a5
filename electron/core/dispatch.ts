import { ZodError } from 'zod';
import { contract, isCallName, mayCall, neededRoles, refusalFor, type CallName, type CallOutput, type CallParsedInput, type Caller } from '../../shared/contract';
import { AppError, isAppError, validationError, type ErrorPayload, type Result } from '../../shared/errors';
import type { Logger } from './ports';

export interface CallContext {
  /** What the session may do (shared/contract/access.ts); 'guest' has no session and may only accept an invite. */
  role: Caller;
  door: 'electron' | 'host' | 'cli';
  /** Who a review-server token or a member belongs to (its name): board actions are recorded under this name. */
  author?: string;
  /** The studio member making the call (a member token the host's `authenticate` knew; absent for the owner's own session and review links): recorded with every change. */
  memberId?: string;
  /**
   * Aborted when the caller gives up (the CLI on Ctrl-C): a call that runs long work (export, stitch, a
   * check) stops it, removes what it half wrote, and answers CANCELLED.
   */
  signal?: AbortSignal;
  /**
   * The caller's Idempotency-Key (a repeat of a call whose answer was lost), for a door that relays calls to a
   * studio (`serve --studio`, the desktop on a studio), which passes it on. The core itself ignores it.
   */
  idempotencyKey?: string;
}

export type Handler<K extends CallName> = (input: CallParsedInput<K>, ctx: CallContext) => CallOutput<K> | Promise<CallOutput<K>>;
export type Handlers = { [K in CallName]: Handler<K> };

export type Dispatcher = (name: string, rawInput: unknown, ctx: CallContext) => Promise<Result<unknown>>;

/** Converts anything thrown into the payload that crosses a door. Unknown errors are logged with their stack. */
export function toErrorPayload(e: unknown, logger: Logger, context: Record<string, unknown> = {}): ErrorPayload {
  if (isAppError(e)) return e.toPayload();
  if (e instanceof ZodError) return validationError(e.issues).toPayload();
  const err = e instanceof Error ? e : new Error(String(e));
  logger.log('error', 'unexpected error', { ...context, error: err.message, stack: err.stack });
  return { code: 'INTERNAL', message: `Something went wrong inside Circle Take (${err.message}). It has been logged.` };
}

/**
 * The one call loop every door uses: known name → role (the access table) → parse input → handler → (strict) parse output.
 * Never throws; always returns a Result. Core passes the whole table (its type makes every entry
 * required); a tool that runs without a data dir (`circletake check`) passes the few it serves, and
 * any other name is UNKNOWN_METHOD there.
 */
export function createDispatcher(handlers: Handlers | Partial<Handlers>, logger: Logger, isStrict: boolean): Dispatcher {
  return async (name, rawInput, ctx) => {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown call "${name}".`, details: { name } } };
    }
    const def = contract[name];
    const handler = handlers[name] as Handler<typeof name> | undefined;
    if (!handler) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `${name} is not served here.`, details: { name } } };
    if (!mayCall(ctx.role, name)) {
      const code = ctx.role === 'guest' ? 'UNAUTHORIZED' : 'FORBIDDEN';
      return { ok: false, error: { code, message: refusalFor(ctx.role, name), details: { name, role: ctx.role, needs: neededRoles(name) } } };
    }
    const parsed = def.input.safeParse(rawInput ?? {});
    if (!parsed.success) return { ok: false, error: validationError(parsed.error.issues, name).toPayload() };
    try {
      const value = await handler(parsed.data as never, ctx);
      if (isStrict) {
        const out = def.output.safeParse(value);
        if (!out.success) {
          throw new AppError('INTERNAL', `${name} returned a value that does not match its contract`, {
            issues: out.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          });
        }
      }
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toErrorPayload(e, logger, { call: name }) };
    }
  };
}
