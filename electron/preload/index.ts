import { contextBridge, ipcRenderer } from 'electron';
import { callNames, channelFor, eventNames } from '../../shared/contract';

/**
 * The one narrow bridge: invoke a known call, listen to a known event. No raw ipcRenderer,
 * no Electron event objects, unknown names refused.
 */
const calls = new Set<string>(callNames);
const events = new Set<string>(eventNames);

const bridge = {
  invoke(name: string, input: unknown, opts?: { idempotencyKey?: string }): Promise<unknown> {
    if (!calls.has(name)) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown call "${name}".` } });
    // Only a string key crosses (main checks its shape): the repeat of an unanswered call, kept by the renderer.
    const key = typeof opts?.idempotencyKey === 'string' ? opts.idempotencyKey : undefined;
    return key === undefined ? ipcRenderer.invoke(channelFor(name), input) : ipcRenderer.invoke(channelFor(name), input, key);
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    if (!events.has(event)) throw new Error(`Unknown event "${event}".`);
    const listener = (_e: unknown, payload: unknown) => cb(payload);
    ipcRenderer.on(channelFor(event), listener);
    return () => {
      ipcRenderer.removeListener(channelFor(event), listener);
    };
  },
};

contextBridge.exposeInMainWorld('bridge', bridge);
