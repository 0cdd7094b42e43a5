import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0110 from './0110-create-money-settings';

describe('0110 create-money-settings', () => {
  it('is version 110', () => {
    expect(m0110.version).toBe(110);
  });

  it('stores settings by key, positive project budgets, and one notice per user, month and threshold', () => {
    const db = new Database(':memory:');
    m0110.up(db);
    db.prepare("INSERT INTO money_settings VALUES ('active_plan', 'runway-free')").run();
    expect(() => db.prepare("INSERT INTO money_settings VALUES ('active_plan', 'runway-pro')").run()).toThrow(/UNIQUE|PRIMARY/);
    db.prepare("INSERT INTO money_budgets VALUES ('prj_1', 500, 't')").run();
    expect(() => db.prepare("INSERT INTO money_budgets VALUES ('prj_2', 0, 't')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO money_budgets VALUES ('prj_3', 'lots', 't')").run()).toThrow(/datatype|INTEGER/i);
    const notice = db.prepare("INSERT OR IGNORE INTO money_notices VALUES ('ana', '2026-11', 1000, 1100, 't')");
    expect(notice.run().changes).toBe(1);
    expect(notice.run().changes).toBe(0);
    expect(db.prepare("INSERT OR IGNORE INTO money_notices VALUES ('ana', '2026-12', 1000, 1200, 't')").run().changes).toBe(1);
  });
});
