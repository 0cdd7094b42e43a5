// vitest globalSetup: one PostgreSQL cluster for the whole run (about a second to start here), shared by
// every suite that runs on PostgreSQL; each test makes its own database on it (test/support/engines.ts).
import type { TestProject } from 'vitest/node';
import { PgEngine } from '../../electron/core/db/engine/pgEngine';
import { migratePg } from '../../electron/core/db/pg/pgMigrate';
import { createDatabase, startCluster } from './pgCluster';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string | null;
    pgWhyNot: string;
    /** A database at the latest schema to copy from (CREATE DATABASE … TEMPLATE). */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const cluster = await startCluster();
    const template = await createDatabase(cluster.adminUrl, 'ct_template');
    const engine = new PgEngine({ url: template.url, max: 1 });
    try {
      await migratePg(engine);
    } finally {
      await engine.close();
    }
    project.provide('pgAdminUrl', cluster.adminUrl);
    project.provide('pgTemplate', new URL(template.url).pathname.slice(1));
    project.provide('pgWhyNot', '');
    return async () => {
      await template.drop().catch(() => {});
      await cluster.stop();
    };
  } catch (e) {
    project.provide('pgAdminUrl', null);
    project.provide('pgTemplate', '');
    project.provide('pgWhyNot', (e as Error).message.split('\n')[0] ?? String(e));
    return async () => {};
  }
}
