import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { tempDir } from '../../../test/support/tmp';
import { sha256File } from './store/fileOps';
import { DEFAULT_PLACEMENT, defaultWatermarkFile } from './watermark';
import { WatermarkRegistry } from './watermarkRegistry';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describeEachEngine('WatermarkRegistry', (open) => {
  async function setup() {
    const data = tempDir('ct-wm-');
    cleanups.push(data.cleanup);
    const clock = new FakeClock();
    const registry = new WatermarkRegistry({ engine: await open(), dataDir: data.dir, clock });
    const image = async (name: string, width: number, height: number, red: number) => {
      const f = join(data.dir, name);
      await sharp({ create: { width, height, channels: 4, background: { r: red, g: 10, b: 10, alpha: 1 } } }).png().toFile(f);
      return f;
    };
    return { registry, clock, dir: data.dir, image };
  }

  it('gives the bundled badge to a provider with no registration', async () => {
    const { registry } = await setup();
    expect(await registry.list()).toEqual([]);
    expect(await registry.specFor('runway')).toEqual({ imageFile: defaultWatermarkFile(), ...DEFAULT_PLACEMENT });
    expect(await registry.specFor(undefined)).toEqual({ imageFile: defaultWatermarkFile(), ...DEFAULT_PLACEMENT });
  });

  it("registers a provider's image (copied by content), and a second registration replaces the first", async () => {
    const { registry, clock, dir, image } = await setup();
    const first = await image('badge.png', 120, 40, 200);
    const info = await registry.register({ provider: 'runway', imageFile: first, corner: 'top-left', marginPx: 12.4 });
    const sha = await sha256File(first);
    expect(info).toEqual({ provider: 'runway', sha256: sha, corner: 'top-left', marginPx: 12, width: 120, height: 40, registeredAt: clock.now() });
    const copy = join(dir, 'watermarks', `${sha}.png`);
    expect(readFileSync(copy).equals(readFileSync(first))).toBe(true);
    expect(await registry.specFor('runway')).toEqual({ imageFile: copy, corner: 'top-left', marginPx: 12 });
    expect(await registry.specFor('local')).toMatchObject({ imageFile: defaultWatermarkFile() });

    clock.advance(60_000);
    const second = await image('badge2.png', 80, 20, 30);
    const again = await registry.register({ provider: 'runway', imageFile: second, corner: 'bottom-right', marginPx: 8 });
    expect(await registry.list()).toEqual([again]);
    expect(again).toMatchObject({ sha256: await sha256File(second), width: 80, height: 20, registeredAt: clock.now() });
    expect(await registry.specFor('runway')).toEqual({ imageFile: join(dir, 'watermarks', `${again.sha256}.png`), corner: 'bottom-right', marginPx: 8 });
    expect(existsSync(copy)).toBe(true); // the earlier image stays (content-addressed); only the row moved
  });

  it('lists registrations by provider and refuses bad input naming the field, recording nothing', async () => {
    const { registry, dir, image } = await setup();
    const img = await image('b.png', 64, 32, 90);
    await expect(registry.register({ provider: 'runway', imageFile: img, corner: 'middle' as never, marginPx: 4 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'corner' } });
    await expect(registry.register({ provider: 'runway', imageFile: join(dir, 'none.png'), corner: 'top-left', marginPx: 4 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'imageFile' },
    });
    expect(await registry.list()).toEqual([]);
    await registry.register({ provider: 'runway', imageFile: img, corner: 'top-right', marginPx: 4 });
    await registry.register({ provider: 'local', imageFile: img, corner: 'top-right', marginPx: 4 });
    expect((await registry.list()).map((w) => w.provider)).toEqual(['local', 'runway']);
  });
});
