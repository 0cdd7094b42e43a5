import { describe, expect, it } from 'vitest';
import { ipcTransport, type Bridge } from './transport';

describe('the IPC transport', () => {
  it('hands the bridge a repeat\'s Idempotency-Key, and nothing more for a plain call', async () => {
    const sent: unknown[][] = [];
    const bridge: Bridge = { invoke: async (...args: unknown[]) => (sent.push(args), { ok: true, value: null }), on: () => () => undefined };
    const t = ipcTransport(bridge);
    await t.invoke('jobs.submit', { a: 1 }, { idempotencyKey: 'draft-key-1' });
    await t.invoke('jobs.submit', { a: 1 });
    expect(sent).toEqual([['jobs.submit', { a: 1 }, { idempotencyKey: 'draft-key-1' }], ['jobs.submit', { a: 1 }]]);
  });
});
