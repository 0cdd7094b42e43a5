import type { Queryable } from '../db/engine/sqlEngine';

export interface DraftRow {
  project_id: string;
  shot_key: string;
  new_shot_name: string;
  values_json: string;
  prompt_sealed: Buffer;
  updated_at: number;
}

const COLS = 'project_id, shot_key, new_shot_name, values_json, prompt_sealed, updated_at';

/** SQL for the drafts table: one row per project and shot (`shot_key` '' for a new shot), on either engine. */
export const draftRepo = {
  list(q: Queryable, projectId: string): Promise<DraftRow[]> {
    return q.all<DraftRow>(`SELECT ${COLS} FROM drafts WHERE project_id = ? ORDER BY updated_at DESC, shot_key`, [projectId]);
  },

  async put(q: Queryable, row: DraftRow): Promise<void> {
    await q.run(
      `INSERT INTO drafts (${COLS}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, shot_key) DO UPDATE SET
         new_shot_name = excluded.new_shot_name, values_json = excluded.values_json,
         prompt_sealed = excluded.prompt_sealed, updated_at = excluded.updated_at`,
      [row.project_id, row.shot_key, row.new_shot_name, row.values_json, row.prompt_sealed, row.updated_at],
    );
  },
};
