import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/createCore';
import { latestVersion } from '../../electron/core/db/migrate';
import { migrations } from '../../electron/core/db/migrations';
import { testCore, testPorts } from '../support/core';
import { tempDir } from '../support/tmp';

// Issue 14 item 4: the data dir tells the truth — read-only is DB_READONLY (not "corrupt"), a file where
// the folder should be is a sentence, a 0-byte database beside backups or takes is refused, and
// several processes' first use migrates once and makes one project.

const t = tempDir('ct-datadir-');
afterAll(() => t.cleanup());
const open = (dataDir: string) => () => createCore({ dataDir, appVersion: '0.0.0-test', isStrict: true }, testPorts());
const isRoot = process.getuid?.() === 0;
const cli = (args: string[], asNobody = false) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/circletake.js', ...args], { encoding: 'utf8', timeout: 120_000, ...(asNobody ? { uid: 65534, gid: 65534 } : {}) }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('the data dir tells the truth', () => {
  it('a data dir that is a file gets a sentence, not EEXIST', () => {
    const file = join(t.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    expect(open(file)).toThrow(expect.objectContaining({ code: 'IO_FAILED', message: `The data dir ${file} is a file, not a folder. Point --data-dir (or CIRCLETAKE_DATA_DIR) at a folder you can write, or move that file away.` }));
    expect(open(join(file, 'inside'))).toThrow(expect.objectContaining({ code: 'IO_FAILED', message: expect.stringContaining('part of the path is a file, not a folder') }));
  });

  it('a read-only data dir is DB_READONLY with the path and the permission needed, never DB_CORRUPT', { timeout: 120_000 }, async () => {
    const dir = join(t.dir, 'locked');
    const made = testCore({ dataDir: dir });
    await made.core.dispose();
    chmodSync(t.dir, 0o755); // mkdtemp makes 0700: let the unprivileged user reach the data dir
    chmodSync(dir, 0o555);
    try {
      // Root ignores permissions: the CLI runs as nobody then (as diskFaults.test.ts does).
      const r = await cli(['call', 'system.info', '--data-dir', dir], isRoot);
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout) as { ok: false; error: { code: string; message: string; details: Record<string, unknown> } };
      expect(out.error).toMatchObject({ code: 'DB_READONLY', details: { path: dir, permission: 'write' } });
      expect(out.error.message).toMatch(/is read-only .*needs write permission/);
      expect(out.error.message).not.toMatch(/corrupt|move the file aside/i);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('a 0-byte circletake.db beside backups or stored takes is refused, naming the latest backup', async () => {
    const dir = join(t.dir, 'emptied');
    const made = testCore({ dataDir: dir });
    await made.core.dispose();
    mkdirSync(join(dir, 'backups'), { recursive: true });
    writeFileSync(join(dir, 'backups', 'circletake-v100-2026-11-01.db'), 'old');
    writeFileSync(join(dir, 'backups', 'circletake-v200-2026-11-20.db'), 'newer');
    writeFileSync(join(dir, 'circletake.db'), '');
    expect(open(dir)).toThrow(expect.objectContaining({ code: 'DB_CORRUPT', message: expect.stringContaining(`Copy the latest backup ${join(dir, 'backups', 'circletake-v200-2026-11-20.db')} over it`) }));
    const takes = join(t.dir, 'takes-only');
    mkdirSync(join(takes, 'preview', 'prj_1'), { recursive: true });
    writeFileSync(join(takes, 'circletake.db'), '');
    expect(open(takes)).toThrow(expect.objectContaining({ code: 'DB_CORRUPT', details: expect.objectContaining({ reason: 'empty' }) }));
  });

  it('first use by several processes at once migrates once and makes one project of a new name', { timeout: 180_000 }, async () => {
    const dir = join(t.dir, 'race');
    const submits = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        cli(['call', 'jobs.submit', '--input', JSON.stringify({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a race', seed }, projectName: 'Race' }), '--data-dir', dir]),
      ),
    );
    for (const s of submits) expect([s.status, s.stderr]).toEqual([0, '']);
    const db = new Database(join(dir, 'circletake.db'), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations));
      expect(db.prepare(`SELECT count(*) AS n FROM projects WHERE lower(name) = 'race'`).get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT count(DISTINCT project_id) AS p, count(*) AS n FROM jobs').get()).toEqual({ p: 1, n: 4 });
    } finally {
      db.close();
    }
  });
});
