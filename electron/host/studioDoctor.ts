import type { DoctorReport } from '../../shared/contract/system';
import { describeUrl } from '../core/db/engine/pgErrors';

/**
 * What doctor says about the studio's PostgreSQL named by CIRCLETAKE_DATABASE_URL: reachable or not, its
 * server version, and its schema version beside the one this app knows. Never the password.
 */
export async function probeStudioDatabase(url: string | undefined): Promise<DoctorReport['studioDatabase']> {
  if (!url) return undefined;
  const where = describeUrl(url);
  // Loaded only when a studio is named: every doctor run would otherwise load the PostgreSQL driver.
  const [{ PgEngine }, { pgMigrations }] = await Promise.all([import('../core/db/engine/pgEngine'), import('../core/db/pg/pgMigrate')]);
  const engine = new PgEngine({ url, max: 1, statementTimeoutMs: 5_000 });
  try {
    const info = await engine.info();
    return { where: info.where, engine: 'postgres', serverVersion: info.serverVersion, schemaVersion: info.schemaVersion, appSchemaVersion: pgMigrations.at(-1)?.version ?? 0 };
  } catch (e) {
    return { where, error: (e as Error).message };
  } finally {
    await engine.close();
  }
}
