import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { migrations } from '../db/migrations';
import { describeEachEngine } from '../../../test/support/engines';
import { limitsJob, limitsSeed } from '../../../test/support/limitsKit';
import { bindAll } from '../db/engine/namedSql';
import { JOB_SQL, JobRepo, TASKS_OF_SQL, claimPickStatement, claimStatement } from './jobRepo';

describe('JobRepo', () => {
  it("finds ready, running and expired jobs through the jobs_ready index, never by scanning and sorting every job", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, ':memory:');
    const plans: [string, unknown[]][] = [
      [claimStatement(''), [2, 1, 1, 1, ',local,', 4]],
      [claimPickStatement(), [1, ',local,', 4]],
      [JOB_SQL.expiredLeases.text, [1]],
      [JOB_SQL.requeueAllExpired.text, [1, 1]],
      [JOB_SQL.earliestWaiting.text, []],
      [JOB_SQL.runningIds.text, []],
      [JOB_SQL.undefer.text, [1, 'X', 1]],
    ];
    for (const [sql, params] of plans) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      expect(plan, sql).toMatch(/USING INDEX jobs_ready/);
      expect(plan, sql).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });

  it("claims the jobs owning a task in flight from the in-flight tasks' index and the jobs' key, never walking the backlog", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, ':memory:');
    for (const [sql, params] of [[claimStatement('', true), [2, 1, 1, 1, ',local,', 4]], [claimPickStatement(true), [1, ',local,', 4]]] as const) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      expect(plan, sql).toMatch(/SCAN job_tasks USING INDEX job_tasks_in_flight/);
      expect(plan, sql).toMatch(/SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/);
      expect(plan, sql).not.toMatch(/jobs_ready/);
    }
    db.close();
  });

  it("reads a project's jobs on the project's index and a list's tasks on the tasks' key, never by scanning every row", () => {
    const db = new Database(':memory:');
    migrate(db, migrations, ':memory:');
    const plans: [string, unknown[], RegExp][] = [
      [JOB_SQL.listOfProject.text, ['p', 10, ',queued,', ',queued,'], /SEARCH jobs USING INDEX jobs_by_project \(project_id=\?\)/],
      [TASKS_OF_SQL, Array.from({ length: 20 }, (_, i) => `job_${i}`), /SEARCH job_tasks USING INDEX sqlite_autoindex_job_tasks_1 \(job_id=\?\)/],
      // A submit numbers its job max(seq) + 1, and a move shifts the seqs behind: both on jobs_by_seq (a scan of every job made 6.5 ms a submit at 200,000 jobs).
      [JOB_SQL.insert.text, JOB_SQL.insert.names.map(() => 1), /^SCALAR SUBQUERY \d+ \| SEARCH jobs USING COVERING INDEX jobs_by_seq \|/],
      [JOB_SQL.shiftSeqFrom.text, [1], /SEARCH jobs USING INDEX jobs_by_seq \(seq>\?\)/],
    ];
    for (const [sql, params, index] of plans) {
      const lines = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail);
      expect(lines.join(' | '), sql).toMatch(index);
      // An INSERT's plan (with RETURNING) also lists the foreign-key checks SQLite runs only while a deferred
      // violation is outstanding — among them a look for jobs citing the new one as cache_of_job_id; they are
      // skipped at run time (a submit at 200,000 jobs takes about a millisecond, fsync included).
      const own = sql === JOB_SQL.insert.text ? lines.slice(0, 2) : lines;
      expect(own.join(' | '), sql).not.toMatch(/SCAN (jobs|job_tasks)\b/);
    }
    db.close();
  });
});

describeEachEngine('lease recovery', (open) => {
  it('takes back a lease that ran out, but not one its holder renewed after the scan saw it expired', async () => {
    const engine = await open();
    await limitsSeed(engine);
    await limitsJob(engine, 'job_stalled');
    await limitsJob(engine, 'job_dead');
    await engine.run("UPDATE jobs SET lease_token = 7, lease_expires_at = 1000 WHERE id IN ('job_stalled', 'job_dead')");
    const s = bindAll(engine, JOB_SQL);
    expect((await s.expiredLeases.all({ now: 2000 })).map((r) => r.id).sort()).toEqual(['job_dead', 'job_stalled']);
    // The stalled worker wakes and renews before the scanner's update lands.
    expect((await s.renew.run({ id: 'job_stalled', token: 7, leaseUntil: 62_000 })).changes).toBe(1);
    expect((await s.requeueIfExpired.run({ id: 'job_stalled', now: 2000 })).changes).toBe(0);
    expect((await s.requeueIfExpired.run({ id: 'job_dead', now: 2000 })).changes).toBe(1);
    const rows = await engine.all<{ id: string; status: string; lease_token: number }>("SELECT id, status, lease_token FROM jobs WHERE id IN ('job_stalled', 'job_dead') ORDER BY id");
    expect(rows).toEqual([
      { id: 'job_dead', status: 'queued', lease_token: 8 },
      { id: 'job_stalled', status: 'running', lease_token: 7 },
    ]);
  });
});

describeEachEngine('jobs by id', (open) => {
  it('answers many jobs in the order asked, each with its own tasks, across statements, leaving out ids with no job', async () => {
    const engine = await open();
    await limitsSeed(engine);
    // 25 jobs: more than one statement's worth (20), with 1 or 2 tasks each.
    const ids = Array.from({ length: 25 }, (_, i) => `job_${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) await limitsJob(engine, id, i % 2 === 0 ? { tasks: ['pending'] } : { tasks: ['pending', 'pending'], variations: 2 });
    const asked = [...ids].reverse();
    asked.splice(3, 0, 'job_missing');
    const jobs = await new JobRepo(engine).jobsOf(asked);
    expect(jobs.map((j) => j.id)).toEqual([...ids].reverse());
    for (const j of jobs) expect(j.tasks.length).toBe(Number(j.id.slice(4)) % 2 === 0 ? 1 : 2);
    expect(await new JobRepo(engine).jobsOf(['job_07'])).toEqual([await new JobRepo(engine).job('job_07')]);
  });
});
