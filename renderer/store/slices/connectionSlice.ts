import type { StateCreator } from 'zustand';
import type { Connection, ConnectRequest } from '../../../shared/contract/system';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** Where this window works: this machine or a studio (`system.connection`), and the desktop's switch between them. */
export interface ConnectionSlice {
  connection: Connection | null;
  loadConnection(): Promise<void>;
  /** Switches (desktop only). Resolves once main has moved; the window then reloads everything from the new side. */
  connect(req: ConnectRequest): Promise<Connection>;
}

export const createConnectionSlice =
  (api: Api): StateCreator<AppState, [], [], ConnectionSlice> =>
  (set) => ({
    connection: null,
    async loadConnection() {
      set({ connection: await api.call('system.connection', {}) });
    },
    async connect(req) {
      const connection = await api.call('system.connect', req);
      set({ connection });
      return connection;
    },
  });
