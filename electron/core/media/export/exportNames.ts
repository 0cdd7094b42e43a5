import { randomUUID } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { bindAll, named } from '../../db/engine/namedSql';
import type { Queryable } from '../../db/engine/sqlEngine';

/**
 * One maker per export name at a time, through the database every studio process shares (migration
 * 0960). A member's named export claims its name before anything is written and gives it back when the
 * export is kept or fails; a second export under the same name meanwhile is refused with CONFLICT naming
 * who is making it. The claim beats every BEAT_MS while the export runs; a claim not beaten for STALE_MS
 * (its process died) is taken over by the next export of that name.
 */
export const BEAT_MS = 15_000;
export const STALE_MS = 60_000;

interface MakingRow {
  name: string;
  member: string | null;
  started_at: number;
}

const SQL = {
  claim: named<{ name: string; token: string; member: string | null; projectId: string; now: number; staleBefore: number }, { name: string }>(`
    INSERT INTO exports_making (name, token, member, project_id, started_at, beat_at) VALUES (@name, @token, @member, @projectId, @now, @now)
    ON CONFLICT (name) DO UPDATE SET token = excluded.token, member = excluded.member, project_id = excluded.project_id,
      started_at = excluded.started_at, beat_at = excluded.beat_at
    WHERE exports_making.beat_at < @staleBefore
    RETURNING name`),
  holder: named<{ name: string }, MakingRow>('SELECT name, member, started_at FROM exports_making WHERE name = @name'),
  beat: named<{ name: string; token: string; now: number }>('UPDATE exports_making SET beat_at = @now WHERE name = @name AND token = @token'),
  release: named<{ name: string; token: string }>('DELETE FROM exports_making WHERE name = @name AND token = @token'),
};

export interface ExportNameClaim {
  /** Gives the name back (the export was kept, or failed). */
  release(): Promise<void>;
}

/**
 * Claims `name` for one export; throws CONFLICT (field toDir) while another export of that name is being
 * made. `now` is the caller's clock (tests step it).
 */
export async function claimExportName(
  db: Queryable,
  a: { name: string; member: string | null; projectId: string },
  now: () => number = Date.now,
): Promise<ExportNameClaim> {
  const s = bindAll(db, SQL);
  const token = randomUUID();
  const at = now();
  const won = await s.claim.all({ name: a.name, token, member: a.member, projectId: a.projectId, now: at, staleBefore: at - STALE_MS });
  if (won.length === 0) {
    const holder = await s.holder.get({ name: a.name });
    const who = holder?.member ? ` by ${holder.member}` : '';
    const since = holder ? ` since ${new Date(holder.started_at).toISOString().slice(11, 16)} UTC` : '';
    throw new AppError('CONFLICT', `Another export named "${a.name}" is being made${who}${since}. Pick another name, or wait for it to finish; nothing was written.`, {
      field: 'toDir',
      reason: 'making',
      ...(holder?.member ? { member: holder.member } : {}),
    });
  }
  const beat = setInterval(() => {
    s.beat.run({ name: a.name, token, now: now() }).catch(() => undefined);
  }, BEAT_MS);
  beat.unref?.();
  let isReleased = false;
  return {
    async release() {
      if (isReleased) return;
      isReleased = true;
      clearInterval(beat);
      await s.release.run({ name: a.name, token });
    },
  };
}
