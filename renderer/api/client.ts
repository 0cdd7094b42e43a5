import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../shared/contract';
import type { ErrorCode, ErrorPayload } from '../../shared/errors';
import { httpTransport, takeTokenFromLocation } from './httpTransport';
import { ipcTransport, type Bridge, type CallOptions, type SessionRole, type Transport } from './transport';

/** A failed call, carrying the code and message core sent. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.details = payload.details;
  }
}

export interface Api {
  readonly transport: Transport['kind'];
  role(): Promise<SessionRole>;
  call<K extends CallName>(name: K, input: CallInput<K>, opts?: CallOptions): Promise<CallOutput<K>>;
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

/** The typed api over any transport. Components use this (through the store), never a transport. */
export function createApi(transport: Transport): Api {
  return {
    transport: transport.kind,
    role: () => transport.role(),
    async call(name, input, opts) {
      const r = await transport.invoke(name, input, opts);
      if (!r.ok) throw new ApiError(r.error);
      return r.value as never;
    },
    on(event, cb) {
      return transport.on(event, cb as (p: unknown) => void);
    },
  };
}

/** IPC when the preload bridge exists (Electron), otherwise HTTP to the host that served this page. */
export function pickTransport(win: Window & { bridge?: Bridge }): Transport {
  if (win.bridge) return ipcTransport(win.bridge);
  const token = takeTokenFromLocation(win.location, win.sessionStorage, win.history);
  return httpTransport(win.location.origin, token);
}
