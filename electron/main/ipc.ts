import { BrowserWindow, ipcMain } from 'electron';
import { callNames, channelFor } from '../../shared/contract';
import type { Core } from '../core/createCore';
import { createIpcCallHandler } from './ipcHandler';

/** Registers one handler per contract call (channel `app:<name>`) and forwards core events to every window. */
export function registerIpc(core: Core, devServerUrl?: string): () => void {
  for (const name of callNames) {
    ipcMain.handle(channelFor(name), createIpcCallHandler(name, core.dispatch, core.ports.logger, devServerUrl));
  }
  const unsubscribe = core.events.subscribeLive((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channelFor(name), payload);
    }
  });
  return () => {
    unsubscribe();
    for (const name of callNames) ipcMain.removeHandler(channelFor(name));
  };
}
