import type Database from 'better-sqlite3';

export interface DraftRow {
  project_id: string;
  shot_key: string;
  new_shot_name: string;
  values_json: string;
  prompt_sealed: Buffer;
  updated_at: number;
}

/** SQL for the drafts table: one row per project and shot (`shot_key` '' for a new shot). */
export class DraftRepo {
  private readonly s;

  constructor(conn: Database.Database) {
    this.s = {
      list: conn.prepare<{ projectId: string }, DraftRow>('SELECT * FROM drafts WHERE project_id = @projectId ORDER BY updated_at DESC, shot_key'),
      upsert: conn.prepare<DraftRow>(`
        INSERT INTO drafts (project_id, shot_key, new_shot_name, values_json, prompt_sealed, updated_at)
        VALUES (@project_id, @shot_key, @new_shot_name, @values_json, @prompt_sealed, @updated_at)
        ON CONFLICT (project_id, shot_key) DO UPDATE SET
          new_shot_name = excluded.new_shot_name, values_json = excluded.values_json,
          prompt_sealed = excluded.prompt_sealed, updated_at = excluded.updated_at`),
    };
  }

  list(projectId: string): DraftRow[] {
    return this.s.list.all({ projectId });
  }

  put(row: DraftRow): void {
    this.s.upsert.run(row);
  }
}
