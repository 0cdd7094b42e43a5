import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../../test/support/engines';
import { claimExportName, STALE_MS } from './exportNames';

// One maker per export name at a time (migration 0960), on both engines: a second claim is refused
// naming who is making it; a released name is free; a claim whose process stopped beating is taken over,
// and the old holder's late release leaves the new claim alone; claims racing on one name: exactly one wins.
describeEachEngine('export names', (open) => {
  const at = { name: 'Harbour cut', projectId: 'prj_1' };

  it('refuses a second maker of a name, naming the first, until the first gives it back', async () => {
    const db = await open();
    const pat = await claimExportName(db, { ...at, member: 'Pat' });
    const err = await claimExportName(db, { ...at, member: 'Sam' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', details: { field: 'toDir', reason: 'making', member: 'Pat' } });
    expect((err as Error).message).toMatch(/Another export named "Harbour cut" is being made by Pat since \d\d:\d\d UTC\. Pick another name, or wait/);
    const other = await claimExportName(db, { ...at, name: 'Lighthouse cut', member: 'Sam' });
    await pat.release();
    await pat.release(); // twice is once
    const sam = await claimExportName(db, { ...at, member: 'Sam' });
    await sam.release();
    await other.release();
  });

  it('takes over a claim whose maker stopped beating, and the late release of the old one leaves it alone', async () => {
    const db = await open();
    let now = 1_800_000_000_000;
    const clock = () => now;
    const dead = await claimExportName(db, { ...at, member: 'Pat' }, clock);
    now += STALE_MS - 1;
    await expect(claimExportName(db, { ...at, member: 'Sam' }, clock)).rejects.toMatchObject({ code: 'CONFLICT' });
    now += 2;
    const sam = await claimExportName(db, { ...at, member: 'Sam' }, clock);
    await dead.release();
    await expect(claimExportName(db, { ...at, member: 'Lee' }, clock)).rejects.toMatchObject({ code: 'CONFLICT', details: { member: 'Sam' } });
    await sam.release();
    expect(await db.all('SELECT name FROM exports_making')).toEqual([]);
  });

  it('lets exactly one of 8 claims racing on one name win', async () => {
    const db = await open();
    const got = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => claimExportName(db, { ...at, member: `m${i}` })));
    expect(got.filter((g) => g.status === 'fulfilled')).toHaveLength(1);
    expect(got.filter((g) => g.status === 'rejected').map((g) => (g as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill('CONFLICT'));
    await (got.find((g) => g.status === 'fulfilled') as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });
});
