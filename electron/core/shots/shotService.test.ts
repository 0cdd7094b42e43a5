import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { testCore } from '../../../test/support/core';
import * as m0010 from '../db/migrations/0010-create-projects';
import * as m0200 from '../db/migrations/0200-create-shots';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function setup() {
  const t = testCore();
  cleanups.push(t.cleanup);
  return t.core;
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

describe('ShotService', () => {
  it('keeps positions dense through create, move and delete', () => {
    const core = setup();
    const p = core.projects.create('Spot');
    const [a, b, c] = ['Open', 'Middle', 'End'].map((n) => core.shots.create(p.id, n));
    expect(core.shots.list(p.id).map((s) => [s.name, s.position])).toEqual([['Open', 1], ['Middle', 2], ['End', 3]]);
    core.shots.move(c!.id, 1);
    expect(core.shots.list(p.id).map((s) => s.name)).toEqual(['End', 'Open', 'Middle']);
    core.shots.move(c!.id, 99);
    expect(core.shots.list(p.id).map((s) => s.name)).toEqual(['Open', 'Middle', 'End']);
    core.shots.delete(a!.id);
    expect(core.shots.list(p.id).map((s) => [s.name, s.position])).toEqual([['Middle', 1], ['End', 2]]);
    expect(core.shots.rename(b!.id, 'Centre').name).toBe('Centre');
  });

  it('refuses a duplicate name within a project but not across projects', () => {
    const core = setup();
    const p = core.projects.create('A');
    const q = core.projects.create('B');
    core.shots.create(p.id, 'Open');
    expect(() => core.shots.create(p.id, 'OPEN')).toThrow(/already has a shot/);
    expect(core.shots.create(q.id, 'Open').projectId).toBe(q.id);
  });

  it('names the missing project or shot', () => {
    const core = setup();
    expect(() => core.shots.create('prj_0000000000missing', 'X')).toThrow(/No project/);
    expect(() => core.shots.rename('sht_0000000000missing', 'X')).toThrow(/No shot/);
  });

  it('emits shots.changed with the new order', () => {
    const core = setup();
    const seen: unknown[] = [];
    core.events.subscribe((name, payload) => name === 'shots.changed' && seen.push(payload));
    const p = core.projects.create('Spot');
    core.shots.create(p.id, 'One');
    expect(seen).toEqual([{ projectId: p.id, shots: [expect.objectContaining({ name: 'One', position: 1 })] }]);
  });
});
