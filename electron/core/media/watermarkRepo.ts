import type { ProviderId } from '../../../shared/money/params';
import type { Queryable } from '../db/engine/sqlEngine';
import type { Corner } from './watermark';

/** A provider's registered watermark, as the watermarks table holds it. */
export interface WatermarkRow {
  provider: ProviderId;
  sha256: string;
  corner: Corner;
  margin_px: number;
  width: number;
  height: number;
  registered_at: number;
}

const COLS = 'provider, sha256, corner, margin_px, width, height, registered_at';

/** The watermarks table, on either engine (one row per provider; a new registration replaces the old). */
export const watermarkRepo = {
  get(q: Queryable, provider: string): Promise<WatermarkRow | undefined> {
    return q.get<WatermarkRow>(`SELECT ${COLS} FROM watermarks WHERE provider = ?`, [provider]);
  },

  all(q: Queryable): Promise<WatermarkRow[]> {
    return q.all<WatermarkRow>(`SELECT ${COLS} FROM watermarks ORDER BY provider`);
  },

  async upsert(q: Queryable, r: WatermarkRow): Promise<void> {
    await q.run(
      `INSERT INTO watermarks (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(provider) DO UPDATE SET sha256 = excluded.sha256, corner = excluded.corner, margin_px = excluded.margin_px,
         width = excluded.width, height = excluded.height, registered_at = excluded.registered_at`,
      [r.provider, r.sha256, r.corner, r.margin_px, r.width, r.height, r.registered_at],
    );
  },
};
