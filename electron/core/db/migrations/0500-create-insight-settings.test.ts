import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as m0500 from './0500-create-insight-settings';

function fresh() {
  const db = new Database(':memory:');
  m0500.up(db);
  return db;
}

describe('0500 create-insight-settings', () => {
  it('is version 500', () => {
    expect(m0500.version).toBe(500);
  });

  it('keeps settings as valid JSON only', () => {
    const db = fresh();
    const put = db.prepare('INSERT INTO insight_settings (key, value) VALUES (?, ?)');
    put.run('workingHours', '{"startHour":9}');
    expect(() => put.run('broken', '{not json')).toThrow(/CHECK/);
    expect(() => put.run('workingHours', '{}')).toThrow(/UNIQUE|PRIMARY/);
  });

  it('refuses a calibration switched on without the rates it froze, and unknown providers', () => {
    const db = fresh();
    const put = db.prepare('INSERT INTO insight_calibration (provider, model, is_enabled, applied_json, updated_at) VALUES (?, ?, ?, ?, 1)');
    expect(() => put.run('runway', 'gen4.5', 1, null)).toThrow(/CHECK/);
    expect(() => put.run('midjourney', 'v7', 0, null)).toThrow(/CHECK/);
    put.run('runway', 'gen4.5', 1, '{"overall":{}}');
    put.run('local', 'gen4.5', 0, null);
    expect(() => put.run('runway', 'gen4.5', 0, null)).toThrow(/UNIQUE|PRIMARY/);
    expect(db.prepare('SELECT count(*) AS n FROM insight_calibration').get()).toEqual({ n: 2 });
  });
});
