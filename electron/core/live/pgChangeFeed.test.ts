import { afterEach, expect, it } from 'vitest';
import { anotherPgEngine, openPostgres, pgNeed } from '../../../test/support/engines';
import { describeWith } from '../../../test/support/needs';
import { silentLogger, systemClock } from '../nodePorts';
import type { FeedEvent } from './changeFeed';
import { PgChangeFeed } from './pgChangeFeed';

// Two feeds on one studio database, each on its own connection pool, as two processes (an app and a
// worker, two members' browser hosts) hold them.

const feeds: PgChangeFeed[] = [];
afterEach(async () => {
  for (const f of feeds.splice(0)) {
    await f.settled();
    f.dispose();
  }
});

async function twoProcesses(o: { gapWaitMs?: number } = {}) {
  const { engine, url } = await openPostgres();
  const other = anotherPgEngine(url);
  const a = new PgChangeFeed({ engine, clock: systemClock, logger: silentLogger, flushMs: 1, ...o });
  const b = new PgChangeFeed({ engine: other, clock: systemClock, logger: silentLogger, flushMs: 1, ...o });
  feeds.push(a, b);
  return { a, b, engine, other };
}

const id = (prefix: string, n: number | string) => `${prefix}_${String(n).padStart(10, '0')}`;
const comments = (e: FeedEvent) => (e.payload as { marks: { comments: number }[] }).marks[0]!.comments;
const marks = (n: number) => ({ projectId: id('prj', 1), marks: [{ takeId: id('tk', n), tags: [], stars: [], override: null, comments: n, publishedAt: null }], rule: null });

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWith(pgNeed, 'PgChangeFeed (LISTEN/NOTIFY over live_changes)', () => {
  it("hands one process the events another published, in order, woken by NOTIFY well before the fallback poll, and never its own", async () => {
    const { a, b } = await twoProcesses();
    const heardA: FeedEvent[] = [];
    const heardB: FeedEvent[] = [];
    a.subscribe((e) => heardA.push(e));
    b.subscribe((e) => heardB.push(e));
    await b.read(); // the listener is in place and the cursor set
    const t0 = Date.now();
    a.publish('board.changed', marks(1));
    a.publish('board.changed', marks(2));
    await until('the other process to hear both', () => heardB.length === 2);
    // The fallback poll is 1 s; NOTIFY arrives with the commit.
    expect(Date.now() - t0).toBeLessThan(900);
    expect(heardB.map(comments)).toEqual([1, 2]);
    expect(heardB[0]!.name).toBe('board.changed');
    await a.read();
    expect(heardA).toEqual([]);
  });

  it('does not lose a row that commits after a higher one was read (two writers commit out of sequence order)', async () => {
    const { b, engine, other } = await twoProcesses({ gapWaitMs: 60_000 });
    const heard: FeedEvent[] = [];
    b.subscribe((e) => heard.push(e));
    await b.read();
    // Writer 1 takes a sequence number and holds its transaction open; writer 2 takes the next one and commits first.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const hasInserted = new Promise<void>((r) => (inserted = r));
    const slow = engine.tx(async (q) => {
      await q.run('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)', ['writer-1', 'board.changed', JSON.stringify(marks(1)), 1]);
      inserted();
      await held;
      await q.exec('NOTIFY circletake_live');
    });
    await hasInserted;
    await other.tx(async (q) => {
      await q.run('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)', ['writer-2', 'board.changed', JSON.stringify(marks(2)), 2]);
      await q.exec('NOTIFY circletake_live');
    });
    await until('the later-numbered row', () => heard.length === 1);
    expect(heard.map(comments)).toEqual([2]);
    release();
    await slow;
    await until('the earlier-numbered row, committed last', () => heard.length === 2);
    expect(heard.map(comments)).toEqual([2, 1]);
    await b.read();
    expect(heard).toHaveLength(2); // each once
  });

  it('steps over a hole a rolled-back insert left, once it has waited', async () => {
    const { b, engine } = await twoProcesses({ gapWaitMs: 50 });
    const heard: FeedEvent[] = [];
    b.subscribe((e) => heard.push(e));
    await b.read();
    await engine
      .tx(async (q) => {
        await q.run('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)', ['writer-1', 'board.changed', JSON.stringify(marks(1)), 1]);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    for (const n of [2, 3]) {
      await engine.tx(async (q) => {
        await q.run('INSERT INTO live_changes (origin, event, payload, at) VALUES (?, ?, ?, ?)', ['writer-2', 'board.changed', JSON.stringify(marks(n)), n]);
        await q.exec('NOTIFY circletake_live');
      });
      await new Promise((r) => setTimeout(r, 80));
    }
    await until('both committed rows', () => heard.length === 2);
    expect(heard.map(comments)).toEqual([2, 3]);
  });
});
