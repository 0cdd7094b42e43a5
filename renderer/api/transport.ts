import { MemberRole, type Role } from '../../shared/contract/define';
import type { Result } from '../../shared/errors';

/** How the renderer reaches core: Electron IPC through the preload bridge, or HTTP + WebSocket. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(name: string, input: unknown, opts?: CallOptions): Promise<Result<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Who this session is: the owner's window, or a reviewer/producer link from the review server. */
  role(): Promise<SessionRole>;
}

export interface CallOptions {
  /**
   * The Idempotency-Key of a mutating call: pass the key of an earlier call whose answer never came to make a
   * repeat of it (a host that keeps keys answers it once, docs/reliability.md S19). Default: a fresh key.
   */
  idempotencyKey?: string;
}

/** Who this session is: the machine's owner, a studio member, or a review link (a reviewer or a producer). */
export type SessionRole = Role;

/** The preload bridge's shape. Only renderer/api knows it exists. */
export interface Bridge {
  invoke(name: string, input: unknown, opts?: CallOptions): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

export function ipcTransport(bridge: Bridge): Transport {
  return {
    kind: 'ipc',
    // A key given (a repeat of an unanswered call) goes to main, which passes it on to a studio.
    invoke: (name, input, opts) => (opts?.idempotencyKey ? bridge.invoke(name, input, { idempotencyKey: opts.idempotencyKey }) : bridge.invoke(name, input)) as Promise<Result<unknown>>,
    on: (event, cb) => bridge.on(event, cb),
    // The desktop's own window is the owner, unless main relays it to a studio: then it is the member it joined as.
    role: async () => {
      const r = (await bridge.invoke('system.connection', {})) as Result<{ member: { role: string } | null }>;
      const member = MemberRole.safeParse(r.ok ? r.value.member?.role : undefined);
      return member.success ? member.data : 'owner';
    },
  };
}
