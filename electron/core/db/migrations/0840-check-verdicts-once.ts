import type Database from 'better-sqlite3';

export const version = 840;
export const name = 'check-verdicts-once';

/**
 * A check's verdicts are stored once. The auto-check of a take wrote them twice: into artifact_checks
 * (the clip's latest report) and into takes.checks_json. From here the auto-check's verdicts live on the
 * take only (check_status, checks_json and the new checked_at), and artifact_checks holds the checks run
 * by hand (`circletake check`, media.check) against the expectations given then; media.lastCheck answers
 * the newer of the two. Existing data: a take's checked_at is the time of the report it copied (else its
 * creation time), and an artifact_checks row that only repeats a take's verdicts goes.
 */
export function up(db: Database.Database): void {
  db.exec(`
    ALTER TABLE takes ADD COLUMN checked_at INTEGER;
    UPDATE takes SET checked_at = COALESCE(
      (SELECT c.checked_at FROM artifact_checks c
        WHERE c.artifact_id = takes.artifact_id AND takes.checks_json IS NOT NULL AND json_valid(takes.checks_json)
          AND json(takes.checks_json) = json_extract(c.report, '$.checks')),
      created_at)
    WHERE check_status <> 'pending';
    DELETE FROM artifact_checks WHERE EXISTS (
      SELECT 1 FROM takes t
      WHERE t.artifact_id = artifact_checks.artifact_id AND t.checks_json IS NOT NULL AND json_valid(t.checks_json)
        AND json(t.checks_json) = json_extract(artifact_checks.report, '$.checks'));
  `);
}

/** The data part of the PostgreSQL step (a test runs it again on rows it writes). */
export const pgData = `
UPDATE takes SET checked_at = COALESCE(
  (SELECT c.checked_at FROM artifact_checks c
    WHERE c.artifact_id = takes.artifact_id AND takes.checks_json IS NOT NULL
      AND takes.checks_json::jsonb = (c.report::jsonb -> 'checks')),
  created_at)
WHERE check_status <> 'pending';
DELETE FROM artifact_checks c WHERE EXISTS (
  SELECT 1 FROM takes t
  WHERE t.artifact_id = c.artifact_id AND t.checks_json IS NOT NULL AND t.checks_json::jsonb = (c.report::jsonb -> 'checks'));
`;

export const pg = `ALTER TABLE takes ADD COLUMN checked_at BIGINT;\n${pgData}`;
