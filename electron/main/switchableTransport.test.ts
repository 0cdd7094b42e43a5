import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreStatus } from '../../shared/contract/system';
import { rendererDir } from '../host/paths';
import { startHost, type RunningHost } from '../host/server';
import { testCore } from '../../test/support/core';
import { StudioTransport } from '../host/studioTransport';
import { SwitchableTransport } from './switchableTransport';

// "Connect to a studio" / "Work locally" while the app runs: main's one transport swaps its target; the
// windows' subscriptions carry over, calls and events come from the new side only, the old one is closed.

const ctx = { role: 'owner', door: 'electron' } as const;
const until = async <T>(get: () => T | undefined): Promise<T> => {
  for (let i = 0; i < 500; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
};

describe('SwitchableTransport', () => {
  const sides: { t: ReturnType<typeof testCore>; host: RunningHost }[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const t = testCore();
      sides.push({ t, host: await startHost({ core: t.core, rendererDir }) });
    }
  });
  afterAll(async () => {
    for (const s of sides) {
      await s.host.close();
      await s.t.cleanup();
    }
  });

  it('moves calls, events and status to the new side, keeps the listeners, closes the old side', async () => {
    const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
    const first = StudioTransport.start({ url: a.host.url, token: a.host.ownerToken, reconnectMs: 50 });
    const sw = new SwitchableTransport(first);
    const heard: string[] = [];
    const statuses: CoreStatus[] = [];
    sw.subscribe((name, payload) => heard.push(`${name}:${JSON.stringify(payload)}`));
    sw.onStatus((s) => statuses.push(s));
    try {
      await until(() => (first.hasConnected ? true : undefined));
      const made = await sw.call('projects.create', { name: 'On A' }, ctx);
      expect(made.ok).toBe(true);
      await until(() => (heard.length > 0 ? true : undefined));

      const second = StudioTransport.start({ url: b.host.url, token: b.host.ownerToken, reconnectMs: 50 });
      await until(() => (second.hasConnected ? true : undefined));
      await sw.switchTo(second, 'Connected to studio B.');
      expect(statuses.at(-1)).toEqual({ state: 'restarted', message: 'Connected to studio B.' });
      // The old side is closed: no status from it (no "cannot be reached" for a side we left), no events.
      heard.length = 0;
      await a.t.core.projects.create('Made on A after the switch');
      await sw.call('projects.create', { name: 'On B' }, ctx);
      await until(() => (heard.length > 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.every((h) => !h.includes('after the switch'))).toBe(true);
      expect((await b.t.core.projects.list()).map((p) => p.name)).toEqual(['On B']);
      expect((await a.t.core.projects.list()).map((p) => p.name).sort()).toEqual(['Made on A after the switch', 'On A']);
      expect(statuses.filter((s) => s.state === 'stopped')).toEqual([]);
    } finally {
      await sw.dispose();
    }
  });
});
