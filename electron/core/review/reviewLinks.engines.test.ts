import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import { createIds, silentLogger } from '../nodePorts';
import { ReviewLinks } from './reviewLinks';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

function links(engine: SqlEngine) {
  const clock = new FakeClock();
  const events = new CoreEvents(silentLogger, true);
  disposers.push(() => events.dispose());
  const seen: string[] = [];
  events.subscribe((name, p) => seen.push(`${name}:${(p as { kind: string }).kind}`));
  const service = new ReviewLinks(engine, events, clock, createIds(clock));
  service.serveAt({ baseUrls: async () => ({ local: 'http://127.0.0.1:5000/', lan: [] }) });
  return { clock, seen, service };
}

const tokenOf = (url: string) => url.split('#token=')[1]!;

describeEachEngine('ReviewLinks on the engine port', (open) => {
  it('keeps a shared link live, newest first, until it is revoked; the token then opens nothing', async () => {
    const { clock, seen, service } = links(await open());
    const first = await service.share('reviewer', '  Dana ');
    clock.advance(1000);
    const second = await service.share('producer', 'Sam');
    expect(first.link.name).toBe('Dana');
    expect((await service.list()).map((l) => l.name)).toEqual(['Sam', 'Dana']);
    expect(await service.lookup(tokenOf(first.urls[0]!))).toEqual(first.link);
    expect(await service.lookup(tokenOf(second.urls[0]!))).toMatchObject({ role: 'producer', name: 'Sam' });

    expect(await service.revoke(first.link.id)).toEqual(first.link);
    expect(await service.lookup(tokenOf(first.urls[0]!))).toBeNull();
    expect((await service.list()).map((l) => l.id)).toEqual([second.link.id]);
    // A second revoke answers the link again but is not announced again.
    expect(await service.revoke(first.link.id)).toEqual(first.link);
    expect(seen).toEqual(['review.changed:created', 'review.changed:created', 'review.changed:revoked']);
  });

  it('answers null for a malformed or unknown token and NOT_FOUND for an unknown link', async () => {
    const { service } = links(await open());
    expect(await service.lookup('not-hex')).toBeNull();
    expect(await service.lookup('0'.repeat(64))).toBeNull();
    expect(await service.lookup(undefined)).toBeNull();
    await expect(service.revoke('rvl_missing')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
  });
});
