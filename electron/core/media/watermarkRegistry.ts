import { existsSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { ProviderId } from '../../../shared/money/params';
import type { Db } from '../db/db';
import type { Clock } from '../ports';
import { ensureDir, ioError, sha256File } from './store/fileOps';
import { CORNERS, defaultWatermarkSpec, loadWatermark, type Corner, type WatermarkSpec } from './watermark';

/**
 * Watermarks users register per provider (for instance a provider's own preview badge, as it appears in
 * its frames). The image is validated with sharp and copied into `<data>/watermarks/<sha256>.png`, so
 * the original may move. Providers without a registration use the bundled badge.
 */
export interface RegisteredWatermarkInfo {
  provider: ProviderId;
  sha256: string;
  corner: Corner;
  marginPx: number;
  width: number;
  height: number;
  registeredAt: number;
}

interface Row {
  provider: ProviderId;
  sha256: string;
  corner: Corner;
  margin_px: number;
  width: number;
  height: number;
  registered_at: number;
}

export class WatermarkRegistry {
  private readonly dir: string;
  private readonly s: {
    get: Database.Statement<{ provider: string }, Row>;
    all: Database.Statement<[], Row>;
    upsert: Database.Statement<Row>;
  };

  constructor(private readonly deps: { db: Db; dataDir: string; clock: Clock; resourcesDir?: string }) {
    this.dir = join(deps.dataDir, 'watermarks');
    this.s = {
      get: deps.db.conn.prepare('SELECT * FROM watermarks WHERE provider = @provider'),
      all: deps.db.conn.prepare('SELECT * FROM watermarks ORDER BY provider'),
      upsert: deps.db.conn.prepare(
        `INSERT INTO watermarks (provider, sha256, corner, margin_px, width, height, registered_at)
         VALUES (@provider, @sha256, @corner, @margin_px, @width, @height, @registered_at)
         ON CONFLICT(provider) DO UPDATE SET sha256 = excluded.sha256, corner = excluded.corner, margin_px = excluded.margin_px,
           width = excluded.width, height = excluded.height, registered_at = excluded.registered_at`,
      ),
    };
  }

  /** The watermark to look for in a provider's previews. */
  specFor(provider: string | undefined): WatermarkSpec {
    const row = provider ? this.s.get.get({ provider }) : undefined;
    if (!row) return defaultWatermarkSpec(this.deps.resourcesDir);
    return { imageFile: join(this.dir, `${row.sha256}.png`), corner: row.corner, marginPx: row.margin_px };
  }

  list(): RegisteredWatermarkInfo[] {
    return this.s.all.all().map(toInfo);
  }

  async register(input: { provider: ProviderId; imageFile: string; corner: Corner; marginPx: number }): Promise<RegisteredWatermarkInfo> {
    if (!CORNERS.includes(input.corner)) throw new AppError('VALIDATION', `corner must be one of ${CORNERS.join(', ')}.`, { field: 'corner' });
    if (!existsSync(input.imageFile)) throw new AppError('NOT_FOUND', `No image at ${input.imageFile}.`, { field: 'imageFile' });
    const loaded = await loadWatermark({ imageFile: input.imageFile, corner: input.corner, marginPx: input.marginPx });
    const sha256 = await sha256File(input.imageFile);
    await ensureDir(this.dir);
    const target = join(this.dir, `${sha256}.png`);
    if (!existsSync(target)) {
      const tmp = `${target}.partial`;
      await copyFile(input.imageFile, tmp).catch(async (e: unknown) => {
        await rm(tmp, { force: true });
        throw ioError(e, `copy the watermark into ${this.dir}`, this.dir);
      });
      await rename(tmp, target);
    }
    const row: Row = {
      provider: input.provider,
      sha256,
      corner: input.corner,
      margin_px: Math.round(input.marginPx),
      width: loaded.width,
      height: loaded.height,
      registered_at: this.deps.clock.now(),
    };
    this.deps.db.immediate(() => this.s.upsert.run(row));
    return toInfo(row);
  }
}

const toInfo = (r: Row): RegisteredWatermarkInfo => ({
  provider: r.provider,
  sha256: r.sha256,
  corner: r.corner,
  marginPx: r.margin_px,
  width: r.width,
  height: r.height,
  registeredAt: r.registered_at,
});
