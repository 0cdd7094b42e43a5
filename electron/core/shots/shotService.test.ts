import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { FakeClock } from '../../../test/support/core';
import { describeEachEngine } from '../../../test/support/engines';
import { CoreEvents } from '../coreEvents';
import type { SqlEngine } from '../db/engine/sqlEngine';
import * as m0010 from '../db/migrations/0010-create-projects';
import * as m0200 from '../db/migrations/0200-create-shots';
import { createIds, silentLogger } from '../nodePorts';
import { ProjectService } from '../projects/projectService';
import { ShotService } from './shotService';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

function services(engine: SqlEngine) {
  const clock = new FakeClock();
  const events = new CoreEvents(silentLogger, true);
  disposers.push(() => events.dispose());
  const projects = new ProjectService(engine, events, clock, createIds(clock));
  return { events, projects, shots: new ShotService(engine, projects, events, clock, createIds(clock)) };
}

describe('0200-create-shots', () => {
  it('creates shots tied to a project with a unique live name per project', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    m0010.up(db);
    m0200.up(db);
    db.prepare("INSERT INTO projects VALUES ('p1','P','t','t',NULL)").run();
    db.prepare("INSERT INTO shots VALUES ('s1','p1','Open',1,'t','t',NULL)").run();
    expect(() => db.prepare("INSERT INTO shots VALUES ('s2','p1','open',2,'t','t',NULL)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO shots VALUES ('s3','nope','X',1,'t','t',NULL)").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO shots VALUES ('s4','p1','Y',0,'t','t',NULL)").run()).toThrow(/CHECK/);
  });
});

describeEachEngine('ShotService', (open) => {
  it('keeps positions dense through create, move and delete', async () => {
    const { projects, shots } = services(await open());
    const p = await projects.create('Spot');
    const a = await shots.create(p.id, 'Open');
    const b = await shots.create(p.id, 'Middle');
    const c = await shots.create(p.id, 'End');
    expect((await shots.list(p.id)).map((s) => [s.name, s.position])).toEqual([['Open', 1], ['Middle', 2], ['End', 3]]);
    await shots.move(c.id, 1);
    expect((await shots.list(p.id)).map((s) => s.name)).toEqual(['End', 'Open', 'Middle']);
    expect((await shots.move(c.id, 99)).map((s) => s.name)).toEqual(['Open', 'Middle', 'End']);
    await shots.delete(a.id);
    expect((await shots.list(p.id)).map((s) => [s.name, s.position])).toEqual([['Middle', 1], ['End', 2]]);
    expect((await shots.rename(b.id, 'Centre')).name).toBe('Centre');
    await expect(shots.get(a.id)).rejects.toThrow(/No shot/);
    // A shot made after a delete takes the next dense position.
    expect((await shots.create(p.id, 'Tail')).position).toBe(3);
  });

  it('appends shots made at the same time at distinct dense positions', async () => {
    const { projects, shots } = services(await open());
    const p = await projects.create('Spot');
    const made = await Promise.all(['A', 'B', 'C', 'D'].map((n) => shots.create(p.id, n)));
    expect(made.map((s) => s.position).sort()).toEqual([1, 2, 3, 4]);
    expect((await shots.list(p.id)).map((s) => s.position)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a duplicate name within a project but not across projects', async () => {
    const { projects, shots } = services(await open());
    const p = await projects.create('A');
    const q = await projects.create('B');
    const open1 = await shots.create(p.id, 'Open');
    await expect(shots.create(p.id, 'OPEN')).rejects.toThrow(/already has a shot/);
    expect((await shots.create(q.id, 'Open')).projectId).toBe(q.id);
    expect((await shots.findByName(p.id, ' open '))?.id).toBe(open1.id);
    await expect(shots.rename(open1.id, 'open')).resolves.toMatchObject({ name: 'open' });
  });

  it('names the missing project or shot', async () => {
    const { shots } = services(await open());
    await expect(shots.create('prj_0000000000missing', 'X')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No project/) });
    await expect(shots.rename('sht_0000000000missing', 'X')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No shot/) });
    await expect(shots.list('prj_0000000000missing')).rejects.toThrow(/No project/);
  });

  it('emits shots.changed with the new order, after the commit', async () => {
    const { events, projects, shots } = services(await open());
    const seen: unknown[] = [];
    events.subscribe((name, payload) => name === 'shots.changed' && seen.push(payload));
    const p = await projects.create('Spot');
    await shots.create(p.id, 'One');
    const two = await shots.create(p.id, 'Two');
    await shots.move(two.id, 1);
    expect(seen.at(-1)).toEqual({ projectId: p.id, shots: [expect.objectContaining({ name: 'Two', position: 1 }), expect.objectContaining({ name: 'One', position: 2 })] });
    expect(seen).toHaveLength(3);
  });
});
