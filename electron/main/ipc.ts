import { BrowserWindow, ipcMain } from 'electron';
import { callNames, channelFor } from '../../shared/contract';
import type { Core } from '../core/createCore';
import { isTrustedSender } from './security';

/** Registers one handler per contract call (channel `app:<name>`) and forwards core events to every window. */
export function registerIpc(core: Core, devServerUrl?: string): () => void {
  for (const name of callNames) {
    ipcMain.handle(channelFor(name), async (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame, devServerUrl)) {
        core.ports.logger.log('warn', 'IPC call from an untrusted frame refused', { call: name });
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call Circle Take.' } };
      }
      return core.dispatch(name, input, { role: 'owner', door: 'electron' });
    });
  }
  const unsubscribe = core.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channelFor(name), payload);
    }
  });
  return () => {
    unsubscribe();
    for (const name of callNames) ipcMain.removeHandler(channelFor(name));
  };
}
