import type { Queryable } from '../db/engine/sqlEngine';
import type { Sensitivity } from './sensitivity';

export interface LabelRow {
  project_id: string;
  sha256: string;
  label: Sensitivity;
  source: 'user' | 'manifest';
  file_name: string;
  set_at: number;
}

const COLS = 'project_id, sha256, label, source, file_name, set_at';

/** The policy's SQL, on either engine: asset labels, and who wrote a comment (for a review session's scope). */
export const policyRepo = {
  async putLabel(q: Queryable, r: LabelRow): Promise<void> {
    await q.run(
      `INSERT INTO asset_labels (${COLS}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, sha256) DO UPDATE SET label = excluded.label, source = excluded.source, file_name = excluded.file_name, set_at = excluded.set_at`,
      [r.project_id, r.sha256, r.label, r.source, r.file_name, r.set_at],
    );
  },

  async removeLabel(q: Queryable, projectId: string, sha256: string): Promise<number> {
    return (await q.run('DELETE FROM asset_labels WHERE project_id = ? AND sha256 = ?', [projectId, sha256])).changes;
  },

  labels(q: Queryable, projectId: string): Promise<LabelRow[]> {
    return q.all<LabelRow>(`SELECT ${COLS} FROM asset_labels WHERE project_id = ? ORDER BY set_at, sha256`, [projectId]);
  },

  /** Every project's label on this content. */
  labelsOfContent(q: Queryable, sha256: string): Promise<LabelRow[]> {
    return q.all<LabelRow>(`SELECT ${COLS} FROM asset_labels WHERE sha256 = ? ORDER BY project_id`, [sha256]);
  },

  async commentAuthor(q: Queryable, commentId: string): Promise<string | null> {
    const r = await q.get<{ author: string }>('SELECT author FROM take_comments WHERE id = ? AND deleted_at IS NULL', [commentId]);
    return r?.author ?? null;
  },
};
