import { existsSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ProviderId } from '../../../shared/money/params';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock } from '../ports';
import { ensureDir, ioError, sha256File } from './store/fileOps';
import { watermarkRepo, type WatermarkRow } from './watermarkRepo';
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

export class WatermarkRegistry {
  private readonly dir: string;

  constructor(private readonly deps: { engine: SqlEngine; dataDir: string; clock: Clock; resourcesDir?: string }) {
    this.dir = join(deps.dataDir, 'watermarks');
  }

  /** The watermark to look for in a provider's previews. */
  async specFor(provider: string | undefined): Promise<WatermarkSpec> {
    const row = provider ? await watermarkRepo.get(this.deps.engine, provider) : undefined;
    if (!row) return defaultWatermarkSpec(this.deps.resourcesDir);
    return { imageFile: join(this.dir, `${row.sha256}.png`), corner: row.corner, marginPx: row.margin_px };
  }

  async list(): Promise<RegisteredWatermarkInfo[]> {
    return (await watermarkRepo.all(this.deps.engine)).map(toInfo);
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
    const row: WatermarkRow = {
      provider: input.provider,
      sha256,
      corner: input.corner,
      margin_px: Math.round(input.marginPx),
      width: loaded.width,
      height: loaded.height,
      registered_at: this.deps.clock.now(),
    };
    // The image is in place first; the row that names it is written after, in its own transaction.
    await this.deps.engine.tx((q) => watermarkRepo.upsert(q, row));
    return toInfo(row);
  }
}

const toInfo = (r: WatermarkRow): RegisteredWatermarkInfo => ({
  provider: r.provider,
  sha256: r.sha256,
  corner: r.corner,
  marginPx: r.margin_px,
  width: r.width,
  height: r.height,
  registeredAt: r.registered_at,
});
