import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp';
import { Db } from '../db/db';
import { silentLogger, systemClock } from '../nodePorts';
import type { FeedEvent } from './changeFeed';
import { SqliteChangeFeed } from './sqliteChangeFeed';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** Two connections on one file, as two processes would hold them. */
function twoSessions() {
  const tmp = tempDir('ct-feed-');
  const file = join(tmp.dir, 'circletake.db');
  const a = Db.open({ file, logger: silentLogger, clock: systemClock });
  const b = Db.open({ file, logger: silentLogger, clock: systemClock });
  const feedA = new SqliteChangeFeed({ conn: a.conn, clock: systemClock, logger: silentLogger, pollMs: 5, flushMs: 1 });
  const feedB = new SqliteChangeFeed({ conn: b.conn, clock: systemClock, logger: silentLogger, pollMs: 5, flushMs: 1 });
  cleanups.push(() => {
    feedA.dispose();
    feedB.dispose();
    a.dispose();
    b.dispose();
    tmp.cleanup();
  });
  return { a, b, feedA, feedB, file };
}

const id = (prefix: string, n: number | string) => `${prefix}_${String(n).padStart(10, '0')}`;
const marks = (projectId: string, n: number) => ({ projectId, marks: [{ takeId: id('tk', n), tags: [], stars: [], override: null, comments: n, publishedAt: null }], rule: null });

describe('SqliteChangeFeed', () => {
  it('hands one connection the events another published, in order, and never its own', () => {
    const { feedA, feedB } = twoSessions();
    const heardA: FeedEvent[] = [];
    const heardB: FeedEvent[] = [];
    feedA.subscribe((e) => heardA.push(e));
    feedB.subscribe((e) => heardB.push(e));
    feedA.publish('board.changed', marks(id('prj', 1), 1));
    feedA.publish('board.changed', marks(id('prj', 1), 2));
    feedA.flush();
    feedB.poll();
    feedA.poll();
    expect(heardB.map((e) => (e.payload as { marks: { comments: number }[] }).marks[0]!.comments)).toEqual([1, 2]);
    expect(heardB[0]!.name).toBe('board.changed');
    expect(heardA).toEqual([]);
  });

  it('arrives on its own within a few polls (timers, no manual flush)', async () => {
    const { feedA, feedB } = twoSessions();
    const got = new Promise<FeedEvent>((resolve) => feedB.subscribe(resolve));
    feedA.publish('media.checked', { artifactId: id('art', '1'), ok: true });
    await expect(got).resolves.toEqual({ name: 'media.checked', payload: { artifactId: id('art', '1'), ok: true } });
  });

  it('keeps only the newest unsent progress of a job, and every state change', () => {
    const { feedA, feedB } = twoSessions();
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    for (let n = 1; n <= 5; n++) feedA.publish('jobs.progressed', { jobId: id('job', 'a'), n: 1, progress: n / 10, providerStatus: 'RUNNING' });
    feedA.publish('jobs.progressed', { jobId: id('job', 'b'), n: 1, progress: 0.9, providerStatus: 'RUNNING' });
    feedA.publish('media.checked', { artifactId: id('art', '1'), ok: true });
    feedA.publish('media.checked', { artifactId: id('art', '1'), ok: false });
    feedA.flush();
    feedB.poll();
    expect(heard.map((e) => [e.name, (e.payload as { progress?: number }).progress ?? (e.payload as { ok: boolean }).ok])).toEqual([
      ['jobs.progressed', 0.5],
      ['jobs.progressed', 0.9],
      ['media.checked', true],
      ['media.checked', false],
    ]);
  });

  it("sends a job's latest snapshot once per flush, however often it changed, and every job's", () => {
    const { feedA, feedB } = twoSessions();
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    const job = (n: string, status: 'queued' | 'running' | 'succeeded') => ({
      job: {
        id: id('job', n), projectId: id('prj', 1), shotId: id('sht', 1), provider: 'local' as const, model: 'gen4_turbo', artifactClass: 'preview' as const,
        variations: 1, durationSec: 5, ratio: '1280:720', paramsHash: 'h', status, isCancelRequested: false, priority: 0, attempts: 1, maxAttempts: 3,
        nextAttemptAt: 0, estimatedCredits: 25, reservedCredits: 25, capturedCredits: null, creditsSaved: 0, creditsBefore: null, creditsAfter: null,
        cacheOfJobId: null, sourceTakeId: null, errorCode: null, errorMessage: null, submittedBy: null, createdAt: 1, startedAt: null, finishedAt: null, tasks: [],
      },
    });
    feedA.publish('jobs.changed', job('a', 'queued'));
    feedA.publish('jobs.changed', job('b', 'queued'));
    feedA.publish('media.checked', { artifactId: id('art', '1'), ok: true });
    feedA.publish('jobs.changed', job('a', 'running'));
    feedA.publish('jobs.changed', job('a', 'succeeded'));
    feedA.flush();
    feedA.publish('jobs.changed', job('b', 'succeeded'));
    feedA.flush();
    feedB.poll();
    expect(heard.map((e) => (e.name === 'jobs.changed' ? `${(e.payload as ReturnType<typeof job>).job.id} ${(e.payload as ReturnType<typeof job>).job.status}` : e.name))).toEqual([
      `${id('job', 'a')} succeeded`,
      `${id('job', 'b')} queued`,
      'media.checked',
      `${id('job', 'b')} succeeded`,
    ]);
  });

  it('drops rows that do not match the contract or name an event it does not know, and keeps going', () => {
    const { feedB, file } = twoSessions();
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    const raw = new Database(file);
    const put = raw.prepare("INSERT INTO live_changes (origin, event, payload, at) VALUES ('other', ?, ?, 1)");
    put.run('board.changed', '{"projectId":42}');
    put.run('studio.invented', '{}');
    put.run('media.checked', '{"artifactId":"art_0000000009","ok":true}');
    raw.close();
    feedB.poll();
    expect(heard).toEqual([{ name: 'media.checked', payload: { artifactId: id('art', '9'), ok: true } }]);
  });

  it('starts at the newest row (no replay of history) and reads nothing while no one else committed', () => {
    const { feedA, feedB, b } = twoSessions();
    feedA.publish('media.checked', { artifactId: id('art', 'old'), ok: true });
    feedA.flush();
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    feedB.poll();
    expect(heard).toEqual([]);
    // B's own commits do not change B's data_version: its poll stays a single pragma.
    b.conn.prepare("INSERT INTO live_changes (origin, event, payload, at) VALUES ('x', 'media.checked', '{\"artifactId\":\"art_000000self\",\"ok\":true}', 1)").run();
    feedB.poll();
    expect(heard).toEqual([]);
    feedA.publish('media.checked', { artifactId: id('art', 'new'), ok: true });
    feedA.flush();
    feedB.poll();
    // The cursor moved past B's own raw row as it read A's commit (both after the start).
    expect(heard.map((e) => (e.payload as { artifactId: string }).artifactId)).toEqual([id('art', 'self'), id('art', 'new')]);
  });

  it('prunes to the newest rows it keeps; a tailer less than that behind misses nothing', () => {
    const tmp = tempDir('ct-feed-');
    const file = join(tmp.dir, 'circletake.db');
    const a = Db.open({ file, logger: silentLogger, clock: systemClock });
    const b = Db.open({ file, logger: silentLogger, clock: systemClock });
    const feedA = new SqliteChangeFeed({ conn: a.conn, clock: systemClock, logger: silentLogger, keepRows: 30 });
    const feedB = new SqliteChangeFeed({ conn: b.conn, clock: systemClock, logger: silentLogger });
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    for (let i = 0; i < 200; i++) {
      feedA.publish('media.checked', { artifactId: id('art', i), ok: true });
      feedA.flush();
      if (i % 20 === 19) feedB.poll();
    }
    expect(heard).toHaveLength(200);
    expect(a.conn.prepare('SELECT COUNT(*) AS n FROM live_changes').get()).toEqual({ n: 30 });
    feedA.dispose();
    feedB.dispose();
    a.dispose();
    b.dispose();
    tmp.cleanup();
  });

  it('flushes what is buffered when disposed, and publishes nothing after', () => {
    const { feedA, feedB, a } = twoSessions();
    const heard: FeedEvent[] = [];
    feedB.subscribe((e) => heard.push(e));
    feedA.publish('media.checked', { artifactId: id('art', 'last'), ok: true });
    feedA.dispose();
    feedA.publish('media.checked', { artifactId: id('art', 'late'), ok: true });
    feedA.flush();
    feedB.poll();
    expect(heard.map((e) => (e.payload as { artifactId: string }).artifactId)).toEqual([id('art', 'last')]);
    expect(a.conn.prepare('SELECT COUNT(*) AS n FROM live_changes').get()).toEqual({ n: 1 });
  });
});

describe('ChangeRepo.appendAll', () => {
  it('writes its rows in a transaction of its own, or inside the one already open and undone with it', async () => {
    const { ChangeRepo } = await import('./changeRepo');
    const { a } = twoSessions();
    const repo = new ChangeRepo(a.conn);
    const row = (n: number) => ({ origin: 'o', event: 'queue.changed', payload: JSON.stringify({ n }), at: n });
    const count = () => (a.conn.prepare('SELECT count(*) AS n FROM live_changes').get() as { n: number }).n;
    const before = count();
    repo.appendAll([row(1), row(2)]);
    expect(count()).toBe(before + 2);
    expect(a.conn.inTransaction).toBe(false);
    // Inside an open transaction (the group commit's rider savepoint), the rows belong to it.
    a.conn.exec('BEGIN');
    repo.appendAll([row(3)]);
    expect(count()).toBe(before + 3);
    a.conn.exec('ROLLBACK');
    expect(count()).toBe(before + 2);
    // A batch that fails on its own leaves nothing of itself.
    expect(() => repo.appendAll([row(4), { ...row(5), event: null as unknown as string }])).toThrow();
    expect(count()).toBe(before + 2);
    expect(repo.after(0, 10).map((r) => JSON.parse(r.payload).n)).toEqual([1, 2]);
  });
});
