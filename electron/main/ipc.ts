import { BrowserWindow, ipcMain } from 'electron';
import { callNames, channelFor } from '../../shared/contract';
import type { Logger } from '../core/ports';
import type { CoreTransport } from './coreTransport';
import { createIpcCallHandler } from './ipcHandler';

/**
 * Registers one handler per contract call (channel `app:<name>`) that relays it to the core through
 * the transport, and forwards the core's events and its status (`system.coreStatus`) to every window.
 * Every window shares the one transport, so a second window talks to the same core.
 */
export function registerIpc(transport: CoreTransport, logger: Logger, devServerUrl?: string): () => void {
  for (const name of callNames) {
    ipcMain.handle(channelFor(name), createIpcCallHandler(name, (n, input, ctx) => transport.call(n, input, ctx), logger, devServerUrl));
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
