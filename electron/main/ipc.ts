import { BrowserWindow, ipcMain } from 'electron';
import { callNames, channelFor } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import type { Logger } from '../core/ports';
import type { WireCallContext } from '../utility/protocol';
import type { CoreTransport } from '../host/coreTransport';
import { createIpcCallHandler } from './ipcHandler';

/** Calls main answers itself (the connection: `system.connection`, `system.connect`); null relays the call. */
export type MainAnswers = (name: string, input: unknown) => Promise<Result<unknown> | null>;

/**
 * Registers one handler per contract call (channel `app:<name>`) that relays it to the core through
 * the transport, and forwards the core's events and its status (`system.coreStatus`) to every window.
 * Every window shares the one transport, so a second window talks to the same core.
 */
export function registerIpc(transport: CoreTransport, logger: Logger, devServerUrl?: string, answeredByMain?: MainAnswers): () => void {
  for (const name of callNames) {
    const relay = async (n: string, input: unknown, ctx: WireCallContext) => (await answeredByMain?.(n, input)) ?? transport.call(n, input, ctx);
    ipcMain.handle(channelFor(name), createIpcCallHandler(name, relay, logger, devServerUrl));
  }
  const toWindows = (name: string, payload: unknown) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channelFor(name), payload);
    }
  };
  const offEvents = transport.subscribe(toWindows);
  const offStatus = transport.onStatus((s) => toWindows('system.coreStatus', s));
  return () => {
    offEvents();
    offStatus();
    for (const name of callNames) ipcMain.removeHandler(channelFor(name));
  };
}
