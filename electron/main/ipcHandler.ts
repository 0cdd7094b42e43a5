import type { ErrorPayload, Result } from '../../shared/errors';
import type { Dispatcher } from '../core/dispatch';
import type { Logger } from '../core/ports';
import { isTrustedSender } from './security';

/** The part of Electron's IpcMainInvokeEvent a handler reads: who sent it. */
export interface IpcSender {
  senderFrame: { url: string } | null | undefined;
}

/** An Idempotency-Key as a studio accepts it (electron/host/studio/idempotencyKeys.ts). */
const CALL_KEY = /^[A-Za-z0-9._:~+/=-]{1,200}$/;

/**
 * The per-call IPC handler, free of Electron so it runs (and is fuzzed) under plain Node:
 * checks the sender frame is our renderer, then hands the raw payload to the one call loop, which
 * validates it with zod. The renderer may add the call's Idempotency-Key (a repeat of an unanswered Generate),
 * which a studio transport passes on. Never throws and never rejects: every outcome is a Result.
 */
export function createIpcCallHandler(name: string, dispatch: Dispatcher, logger: Logger, devServerUrl?: string) {
  return async (event: IpcSender, input: unknown, idempotencyKey?: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event?.senderFrame as Parameters<typeof isTrustedSender>[0], devServerUrl)) {
      logger.log('warn', 'IPC call from an untrusted frame refused', { call: name });
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call Circle Take.' } };
    }
    try {
      // The renderer's key for a repeat of a call whose answer was lost: main passes it on to a studio (anything malformed is dropped).
      const key = typeof idempotencyKey === 'string' && CALL_KEY.test(idempotencyKey) ? { idempotencyKey } : {};
      return await dispatch(name, input, { role: 'owner', door: 'electron', ...key });
    } catch (e) {
      // dispatch converts everything it sees; this is the last guard so a reply always goes back.
      logger.log('error', 'IPC dispatch threw', { call: name, error: (e as Error)?.message, stack: (e as Error)?.stack });
      const error: ErrorPayload = { code: 'INTERNAL', message: 'Something went wrong inside Circle Take. It has been logged.' };
      return { ok: false, error };
    }
  };
}
