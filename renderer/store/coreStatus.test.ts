import { describe, expect, it } from 'vitest';
import { createApi } from '../api/client';
import { FakeTransport } from '../../test/support/fakeTransport';
import { connectEvents, createAppStore } from './index';

describe("the app's core process status (system.coreStatus)", () => {
  it('says the core stopped as an error, and replaces it with an info notice once the core is back', () => {
    const transport = new FakeTransport({});
    const api = createApi(transport);
    const store = createAppStore({ role: 'owner' }, api);
    connectEvents(store, api);
    transport.emit('system.coreStatus', { state: 'stopped', message: "Circle Take's core stopped (exit code 9). Restarting it; calls made meanwhile wait." });
    expect(store.getState().notices.map((n) => [n.kind, n.text])).toEqual([['error', expect.stringContaining('core stopped')]]);
    transport.emit('system.coreStatus', { state: 'restarted', message: "Circle Take's core was restarted; reopen a view if it looks out of date." });
    expect(store.getState().notices.map((n) => [n.kind, n.text])).toEqual([['info', expect.stringContaining('was restarted')]]);
    transport.emit('system.coreStatus', { state: 'failed', message: "Circle Take's core stopped again (exit code 9) and was not restarted." });
    expect(store.getState().notices.map((n) => n.kind)).toEqual(['info', 'error']);
  });
});
