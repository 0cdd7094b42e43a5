import type { Queryable } from '../db/engine/sqlEngine';

/**
 * The models the projects' jobs use (imports excluded: their cost is entered by hand), so that switching
 * to a rate card without one of them is refused by name. Sorted by code unit, the same on either engine.
 */
export async function modelsInUse(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ model: string }>(
    "SELECT DISTINCT j.model AS model FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.provider <> 'import' AND p.deleted_at IS NULL",
  );
  return rows.map((r) => r.model).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
