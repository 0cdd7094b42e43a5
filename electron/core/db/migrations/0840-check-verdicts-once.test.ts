import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import type { Queryable } from '../engine/sqlEngine';
import { SqliteEngine } from '../engine/sqliteEngine';
import { openPostgres, pgNeed } from '../../../../test/support/engines';
import { describeWith } from '../../../../test/support/needs';
import { seedJobQ, seedTakeQ, checkReport } from '../../../../test/support/boardSeed';
import * as m0840 from './0840-check-verdicts-once';

const AUTO = checkReport(['black']);
const BY_HAND = checkReport(['duration']);

/**
 * Before 0840: take t1's verdicts were also written to artifact_checks (the same report); take t2's
 * artifact was later checked by hand against other expectations; t3 is still pending; a1 has no take.
 */
async function seed(q: Queryable): Promise<void> {
  await q.run("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'P', 't', 't')");
  await q.run("INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES ('s1', 'p1', 'Open', 1, 't', 't')");
  await seedJobQ(q, { id: 'j1', projectId: 'p1', shotId: 's1', variations: 3 });
  for (const [n, id] of ['a0', 'a1', 'a2', 'a3'].entries()) {
    await q.run(`INSERT INTO artifacts (id, class, project_id, job_id, n, rel_path, sha256, size_bytes, created_at) VALUES (?, 'preview', 'p1', 'j1', ?, ?, ?, 1, 1)`, [id, n, `p/${id}`, 'a'.repeat(64)]);
  }
  await seedTakeQ(q, { id: 't1', jobId: 'j1', projectId: 'p1', shotId: 's1', n: 0, artifactId: 'a0', checkStatus: 'failed', checks: AUTO, createdAt: 100 });
  await seedTakeQ(q, { id: 't2', jobId: 'j1', projectId: 'p1', shotId: 's1', n: 2, artifactId: 'a2', checkStatus: 'failed', checks: AUTO, createdAt: 200 });
  await seedTakeQ(q, { id: 't3', jobId: 'j1', projectId: 'p1', shotId: 's1', n: 3, artifactId: 'a3', checkStatus: 'pending', checks: null, createdAt: 300 });
  const put = (id: string, ok: boolean, checks: unknown, at: number) =>
    q.run('INSERT INTO artifact_checks (artifact_id, ok, report, checked_at) VALUES (?, ?, ?, ?)', [id, ok ? 1 : 0, JSON.stringify({ ok, checks }), at]);
  await put('a0', false, AUTO, 150);
  await put('a1', true, checkReport(), 160);
  await put('a2', false, BY_HAND, 900);
}

async function expectMigrated(q: Queryable): Promise<void> {
  // Each take keeps its verdicts, stamped with the time of the report it copied (else its creation).
  expect(await q.all('SELECT id, check_status, checked_at FROM takes ORDER BY id')).toEqual([
    { id: 't1', check_status: 'failed', checked_at: 150 },
    { id: 't2', check_status: 'failed', checked_at: 200 },
    { id: 't3', check_status: 'pending', checked_at: null },
  ]);
  expect(JSON.parse((await q.get<{ checks_json: string }>("SELECT checks_json FROM takes WHERE id = 't1'"))!.checks_json)).toEqual(AUTO);
  // The copy of t1's verdicts goes; checks by hand stay.
  expect((await q.all<{ artifact_id: string }>('SELECT artifact_id FROM artifact_checks ORDER BY artifact_id')).map((r) => r.artifact_id)).toEqual(['a1', 'a2']);
}

it('0840 keeps each verdict once on SQLite: on the take, stamped; the copies in artifact_checks go, checks by hand stay', async () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.filter((m) => m.version < 840), ':memory:');
  const q = new SqliteEngine(db, ':memory:');
  await seed(q);
  db.transaction(() => m0840.up(db)).immediate();
  await expectMigrated(q);
  expect(db.pragma('foreign_key_check')).toEqual([]);
});

describeWith(pgNeed, '0840 on PostgreSQL', () => {
  it('does the same with its twin', async () => {
    const { engine } = await openPostgres();
    await seed(engine);
    await engine.exec(m0840.pgData);
    await expectMigrated(engine);
  });
});
