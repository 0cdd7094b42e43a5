import type { ReadDb } from '../db/db';

/**
 * The models the projects' jobs use (imports excluded: their cost is entered by hand), so that switching
 * to a rate card without one of them is refused by name. Reads the queue's jobs table when it exists.
 */
export function modelsInUse(db: ReadDb): string[] {
  const hasJobs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
  if (!hasJobs) return [];
  const rows = db.prepare("SELECT DISTINCT j.model AS model FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.provider <> 'import' AND p.deleted_at IS NULL ORDER BY j.model").all() as { model: string }[];
  return rows.map((r) => r.model);
}
