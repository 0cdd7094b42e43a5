import type { Result } from '../../shared/errors';

/** How the renderer reaches core: Electron IPC through the preload bridge, or HTTP + WebSocket. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(name: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Who this session is: the owner's window, or a reviewer/producer link from the review server. */
  role(): Promise<SessionRole>;
}

export type SessionRole = 'reviewer' | 'producer' | 'owner';

/** The preload bridge's shape. Only renderer/api knows it exists. */
export interface Bridge {
  invoke(name: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

export function ipcTransport(bridge: Bridge): Transport {
  return {
    kind: 'ipc',
    invoke: (name, input) => bridge.invoke(name, input) as Promise<Result<unknown>>,
    on: (event, cb) => bridge.on(event, cb),
    role: async () => 'owner',
  };
}
